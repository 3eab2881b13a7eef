# Test peer: frames a file the way Blockstream's API sender does (facts in docs/satellite.md), with the
# real zfec library for FEC. Writes one datagram per record: 2-byte big-endian length + datagram.
# usage: blockstream_send.py IN OUT CHANNEL SEQUENCE OVERHEAD(0 = no FEC) [HOST PORT]
import math, random, socket, struct, sys
import zfec

MAX_PAYLOAD = 1464
CHUNK = MAX_PAYLOAD - 8

def fec_encode(data, overhead):
    max_k = math.floor(256 / (1 + overhead))
    obj_size = max_k * CHUNK
    objects = [data[i:i + obj_size] for i in range(0, len(data), obj_size)] or [b""]
    pkts = []
    for oid, obj in enumerate(objects):
        k = math.ceil(len(obj) / CHUNK)
        n = min(256, k + math.ceil(overhead * k))
        blocks = [obj[i * CHUNK:(i + 1) * CHUNK].ljust(CHUNK, b"\0") for i in range(k)]
        chunks = zfec.Encoder(k, n).encode(blocks)
        for cid, c in enumerate(chunks):
            pkts.append(struct.pack("!BBBIx", oid, len(objects), cid, len(obj)) + c)
    random.shuffle(pkts)
    return pkts

def main():
    src, out, channel, seq, overhead = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    data = open(src, "rb").read()
    frags = fec_encode(data, overhead) if overhead > 0 else [data[i:i + MAX_PAYLOAD] for i in range(0, len(data), MAX_PAYLOAD)]
    grams = []
    for i, f in enumerate(frags):
        flags = 0x01 | (0x80 if i < len(frags) - 1 else 0)
        grams.append(struct.pack("!BBHI", flags, channel, i, seq) + f)
    if len(sys.argv) > 7:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        for g in grams:
            s.sendto(g, (sys.argv[6], int(sys.argv[7])))
    with open(out, "wb") as f:
        for g in grams:
            f.write(struct.pack("!H", len(g)) + g)

main()
