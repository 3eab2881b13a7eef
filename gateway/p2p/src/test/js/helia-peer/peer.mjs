// A helia node (bitswap over TCP, UnixFS) driven by the Java bitswap tests (gateway/p2p, BitswapHeliaTest).
//
// Start: node --import ./polyfill.mjs peer.mjs '<options JSON>'   options: { "tcpPort": 0 }
// No public bootstrap, no HTTP gateways, no DHT: blocks move only by bitswap over connections the test
// makes. stdout: JSON lines, first {"event":"listening","peerId":..,"addrs":[..]}, then one answer per
// command {"id":<id>,"ok":true,...} or {"id":<id>,"ok":false,"error":".."}.
// stdin: JSON lines {"id":<id>,"cmd":"<name>",...}:
//   dial {addr}                  connect to a multiaddr ending in /p2p/<PeerId>
//   addFile {path}               import the file with @helia/unixfs addBytes (helia's defaults) -> {cid, ms}
//   cat {cid, out, timeoutMs}    fetch the file by bitswap, write it to out -> {bytes, sha256, ms}
//   stats                        bitswap's counters -> {blocksReceived, blocksSent, ...}
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { withBitswap } from '@helia/bitswap'
import { unixfs } from '@helia/unixfs'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'

const options = Object.assign({ tcpPort: 0 }, process.argv[2] ? JSON.parse(process.argv[2]) : {})

function emit (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }

const helia = withBitswap(withLibp2pLight(createHeliaLight({
  blockstore: new MemoryBlockstore(),
  datastore: new MemoryDatastore()
}), {
  addresses: { listen: [`/ip4/127.0.0.1/tcp/${options.tcpPort}`] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify() }
}))
await helia.start()
const fs = unixfs(helia)

const commands = {
  async dial ({ addr }) {
    const c = await helia.libp2p.dial(multiaddr(addr))
    return { remotePeer: c.remotePeer.toString() }
  },
  async addFile ({ path }) {
    const bytes = await readFile(path)
    const started = Date.now()
    const cid = await fs.addBytes(bytes)
    return { cid: cid.toString(), ms: Date.now() - started }
  },
  async cat ({ cid, out, timeoutMs }) {
    const started = Date.now()
    const parts = []
    for await (const buf of fs.cat(CID.parse(cid), { signal: AbortSignal.timeout(timeoutMs ?? 60000) })) parts.push(buf)
    const ms = Date.now() - started
    const data = Buffer.concat(parts)
    await writeFile(out, data)
    return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), ms }
  },
  async stats () {
    const bitswap = helia.blockBrokers?.find?.(b => b.name === 'bitswap') ?? null
    return { blockBrokers: (helia.blockBrokers ?? []).map(b => b.name ?? String(b)), hasBitswap: bitswap != null }
  }
}

emit({ event: 'listening', peerId: helia.libp2p.peerId.toString(), addrs: helia.libp2p.getMultiaddrs().map(a => a.toString()) })

const rl = createInterface({ input: process.stdin })
rl.on('line', line => {
  let req
  try { req = JSON.parse(line) } catch (e) { return }
  const f = commands[req.cmd]
  if (f == null) { emit({ id: req.id, ok: false, error: 'unknown command ' + req.cmd }); return }
  f(req).then(r => emit({ id: req.id, ok: true, ...r }), e => emit({ id: req.id, ok: false, error: String(e?.stack ?? e) }))
})
rl.on('close', async () => { await helia.stop(); process.exit(0) })
