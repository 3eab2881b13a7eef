# Test peer: decodes an upload made of Blockstream FEC packets (8-byte header + 1456-byte chunk) with the real
# zfec library, dropping every packet whose index is in DROP (comma-separated, may be empty).
# usage: fec_decode.py IN OUT DROP
import struct, sys
import zfec

CHUNK = 1456
src, out = sys.argv[1], sys.argv[2]
drop = set(int(x) for x in sys.argv[3].split(",") if x)
data = open(src, "rb").read()
assert len(data) % (CHUNK + 8) == 0, "upload is not a whole number of FEC packets"
objects = {}
count = None
for i in range(0, len(data) // (CHUNK + 8)):
    if i in drop:
        continue
    p = data[i * (CHUNK + 8):(i + 1) * (CHUNK + 8)]
    oid, n_obj, cid, length = struct.unpack("!BBBIx", p[:8])
    count = n_obj
    objects.setdefault(oid, (length, {}))[1][cid] = p[8:]
result = b""
for oid in range(count):
    length, chunks = objects[oid]
    k = -(-length // CHUNK)
    ids = sorted(chunks)[:k]
    blocks = zfec.Decoder(k, 256).decode([chunks[i] for i in ids], ids)
    result += b"".join(blocks)[:length]
open(out, "wb").write(result)
