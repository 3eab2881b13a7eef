// Prints the libp2p PeerId of the Ed25519 key whose 32-byte seed is 00 01 02 .. 1f, as js-libp2p computes it.
// Used once to produce the vector in IdentityTest (JsLibp2pVector); run: npm ci && node peerid.mjs
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

const seed = Uint8Array.from({ length: 32 }, (_, i) => i)
const key = await generateKeyPairFromSeed('Ed25519', seed)
const peerId = peerIdFromPrivateKey(key)
console.log(JSON.stringify({ seed: Buffer.from(seed).toString('hex'), peerId: peerId.toString(),
  publicKey: Buffer.from(key.publicKey.raw).toString('hex') }))
