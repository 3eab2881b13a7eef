# Test peer: prints zfec chunks for random blocks. usage: zfec_vectors.py K N SIZE SEED -> one hex chunk per line
import random, sys, zfec
k, n, size, seed = map(int, sys.argv[1:5])
r = random.Random(seed)
blocks = [bytes(r.randrange(256) for _ in range(size)) for _ in range(k)]
for c in zfec.Encoder(k, n).encode(blocks):
    print(c.hex())
