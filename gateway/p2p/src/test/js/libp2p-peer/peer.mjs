// A js-libp2p peer driven by the Java tests (gateway/p2p, class JsLibp2pPeer).
//
// Start: node --import ./polyfill.mjs peer.mjs '<options JSON>'
//   options: { "tcpPort": 0, "wsPort": null | 0, "seed": "<64 hex chars, Ed25519 seed>" | null,
//              "agent": "sbridge-js-test-peer/1.0.0",
//              "connectionManager": { ...js-libp2p ConnectionManagerInit, e.g. inboundConnectionThreshold },
//              "kad": null | { "protocol": "/sbridge/kad/1.0.0", "clientMode": false },
//              "relayServer": null | { ...@libp2p/circuit-relay-v2 CircuitRelayServerInit },
//              "circuit": false | true, "relayListen": [ "<relay>/p2p/<R>/p2p-circuit", ... ] }
//   With "kad", the node runs @libp2p/kad-dht (passthroughMapper: loopback addresses are kept) with a
//   validator and selector for the "sbridge" record namespace (docs/dht.md), and the kad* commands work.
//   With "relayServer" the node is a circuit relay v2 relay; with "circuit" it dials /p2p-circuit addresses
//   and listens (reserves) on the relays of "relayListen". Echo and sink run on limited (relayed) connections.
// stdout: JSON lines. First {"event":"listening","peerId":..,"addrs":[..]}, then one answer per
//   command: {"id":<id>,"ok":true,...} or {"id":<id>,"ok":false,"error":".."}, and events
//   {"event":"connection"|"identify",...}.
// stdin: JSON lines {"id":<id>,"cmd":"<name>",...}; see the `commands` table below. Other test
//   helpers extend the peer by adding entries to `commands` (and services in buildNode).
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPairFromSeed, generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash, randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { createPublicKey, verify as ed25519Verify } from 'node:crypto'

export const ECHO = '/sbridge/echo/1.0.0'
export const SINK = '/sbridge/sink/1.0.0'

const options = Object.assign({ tcpPort: 0, wsPort: null, seed: null, agent: 'sbridge-js-test-peer/1.0.0' },
  process.argv[2] ? JSON.parse(process.argv[2]) : {})

function emit (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }
function debug (...args) { process.stderr.write(args.join(' ') + '\n') }

async function buildNode () {
  const privateKey = options.seed
    ? await generateKeyPairFromSeed('Ed25519', Buffer.from(options.seed, 'hex'))
    : await generateKeyPair('Ed25519')
  const listen = [`/ip4/${options.host ?? '127.0.0.1'}/tcp/${options.tcpPort}`]
  const transports = [tcp()]
  if (options.circuit) {
    transports.push(circuitRelayTransport())
    listen.push(...(options.relayListen ?? []))
  }
  if (options.wsPort != null) {
    listen.push(`/ip4/127.0.0.1/tcp/${options.wsPort}/ws`)
    transports.push(webSockets())
  }
  const [name, version] = options.agent.split('/')
  // libp2p's connection monitor pings every connection on the same protocol; with the ping service's
  // default of one outbound ping stream per connection, a test's ping that meets a monitor ping fails
  // with TooManyOutboundProtocolStreamsError (seen in HostWebSocketJsInteropTest).
  const services = { identify: identify(), identifyPush: identifyPush(), ping: ping({ maxOutboundStreams: 4 }) }
  if (options.relayServer) services.relay = circuitRelayServer(options.relayServer)
  if (options.kad) {
    services.dht = kadDHT({
      protocol: options.kad.protocol ?? '/sbridge/kad/1.0.0',
      clientMode: options.kad.clientMode ?? false,
      peerInfoMapper: passthroughMapper,
      validators: { sbridge: sbridgeValidate },
      selectors: { sbridge: sbridgeSelect }
    })
  }
  return createLibp2p({
    privateKey,
    addresses: { listen },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    nodeInfo: { name, version: version ?? '0', userAgent: options.agent },
    connectionManager: options.connectionManager ?? {},
    services
  })
}

// ---- the sbridge record namespace (docs/dht.md, "Record namespaces"), checked the way the Java side does

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

function sbridgeValidate (key, value) {
  const k = Buffer.from(key).toString('latin1')
  const v = Buffer.from(value)
  if (v.length > 10240) throw new Error('sbridge: value over 10 KiB')
  if (v.length < 4 + 8 + 32 + 64) throw new Error('sbridge: value too short')
  const magic = v.subarray(0, 4).toString('latin1')
  const pub = v.subarray(12, 44)
  if (k.startsWith('/sbridge/node/')) {
    if (magic !== 'SBN\x01') throw new Error('sbridge: not a node contact record')
    const owner = peerIdFromString(k.slice('/sbridge/node/'.length)).publicKey
    if (owner == null || !Buffer.from(owner.raw).equals(pub)) throw new Error('sbridge: key names another PeerId')
  } else if (k.startsWith('/sbridge/profile/did:key:z')) {
    if (magic !== 'SBP\x01') throw new Error('sbridge: not a profile record')
  } else {
    throw new Error('sbridge: key outside the sbridge namespaces')
  }
  const sig = v.subarray(v.length - 64)
  const signed = Buffer.concat([Buffer.from('sbridge-dht-record:'), Buffer.from(key), v.subarray(0, v.length - 64)])
  const pk = createPublicKey({ key: Buffer.concat([SPKI_ED25519, pub]), format: 'der', type: 'spki' })
  if (!ed25519Verify(null, signed, pk, sig)) throw new Error('sbridge: bad signature')
}

function sbridgeSelect (key, records) {
  let best = 0
  for (let i = 1; i < records.length; i++) {
    const a = Buffer.from(records[i]); const b = Buffer.from(records[best])
    const sa = a.readBigUInt64BE(4); const sb = b.readBigUInt64BE(4)
    if (sa > sb || (sa === sb && Buffer.compare(a, b) > 0)) best = i
  }
  return best
}

// a provider key as our DHTs use it (a sha2-256 multihash) as the CID js-libp2p's API takes
function cidOf (multihashHex) {
  return CID.createV1(0x55, Digest.decode(Buffer.from(multihashHex, 'hex')))
}

async function collect (events, pick, timeoutMs) {
  const out = []
  for await (const e of events) { const x = pick(e); if (x !== undefined) out.push(x) }
  return out
}

const node = await buildNode()

// The sender's and receiver's view of a byte stream: count and SHA-256.
function digest () {
  const h = createHash('sha256'); let n = 0
  return { update (b) { h.update(b); n += b.length }, get count () { return n }, hex () { return h.digest('hex') } }
}

function chunkBytes (chunk) { return chunk.subarray ? chunk.subarray() : chunk }

async function sendAll (stream, total, sent, chunkSize = 64 * 1024) {
  let left = total
  while (left > 0) {
    const n = Math.min(left, chunkSize)
    const buf = randomBytes(n)
    sent.update(buf)
    left -= n
    if (!stream.send(buf)) await stream.onDrain()
  }
  await stream.close()
}

// echo: everything read is written back; the write side closes when the remote closes its side.
await node.handle(ECHO, async (stream) => {
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
  } catch (e) { debug('echo handler:', e.message); stream.abort(e) }
}, { maxInboundStreams: 64, runOnLimitedConnection: true })

// sink: reads until the remote closes, then answers with the SHA-256 (32 bytes) of what it read.
await node.handle(SINK, async (stream) => {
  try {
    const got = digest()
    for await (const chunk of stream) got.update(chunkBytes(chunk))
    stream.send(Buffer.from(got.hex(), 'hex'))
    await stream.close()
  } catch (e) { debug('sink handler:', e.message); stream.abort(e) }
}, { maxInboundStreams: 64, runOnLimitedConnection: true })

node.addEventListener('connection:open', (evt) => {
  const c = evt.detail
  emit({ event: 'connection', peerId: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), direction: c.direction })
})
node.addEventListener('peer:identify', (evt) => {
  emit({ event: 'identify', ...identifyJson(evt.detail) })
})

function identifyJson (r) {
  return {
    peerId: r.peerId.toString(),
    protocolVersion: r.protocolVersion ?? null,
    agentVersion: r.agentVersion ?? null,
    protocols: r.protocols,
    listenAddrs: r.listenAddrs.map(a => a.toString()),
    observedAddr: r.observedAddr ? r.observedAddr.toString() : null,
    signedPeerRecord: r.signedPeerRecord
      ? { seq: r.signedPeerRecord.seq.toString(), addresses: r.signedPeerRecord.addresses.map(a => a.toString()) }
      : null
  }
}

// A command's target: "addr" (a multiaddr, dialled if needed) or "peer" (a PeerId already connected).
function target (cmd) {
  if (cmd.addr) return multiaddr(cmd.addr)
  if (cmd.peer) return peerIdFromString(cmd.peer)
  throw new Error('command needs "addr" or "peer"')
}

function connectionTo (peer) {
  const conns = node.getConnections(peerIdFromString(peer))
  if (conns.length === 0) throw new Error(`not connected to ${peer}`)
  return conns[0]
}

async function streamFor (cmd, protocol) {
  return node.dialProtocol(target(cmd), protocol, { signal: AbortSignal.timeout(cmd.timeoutMs ?? 20000), runOnLimitedConnection: true })
}

export const commands = {
  async addrs () {
    return { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) }
  },
  async dial (cmd) {
    const started = performance.now()
    const c = await node.dial(target(cmd), { signal: AbortSignal.timeout(cmd.timeoutMs ?? 20000) })
    return { peerId: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), ms: performance.now() - started }
  },
  // "count" fresh connections to "addr", each closed after its upgrade; the mean upgrade time
  async handshakes (cmd) {
    const times = []
    for (let i = 0; i < cmd.count; i++) {
      const started = performance.now()
      const c = await node.dial(multiaddr(cmd.addr), { force: true, signal: AbortSignal.timeout(cmd.timeoutMs ?? 20000) })
      times.push(performance.now() - started)
      await c.close()
    }
    times.sort((a, b) => a - b)
    return { count: times.length, meanMs: times.reduce((a, b) => a + b, 0) / times.length, medianMs: times[Math.floor(times.length / 2)] }
  },
  // serves another echo protocol id (js then pushes its new protocol list to connected peers)
  async handle (cmd) {
    await node.handle(cmd.protocol, async (stream) => {
      for await (const chunk of stream) { if (!stream.send(chunk)) await stream.onDrain() }
      await stream.close()
    })
    return {}
  },
  async hangUp (cmd) {
    await node.hangUp(target(cmd))
    return {}
  },
  async connections () {
    return {
      connections: node.getConnections().map(c => ({
        peerId: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), status: c.status, streams: c.streams.length,
        limited: c.limits != null
      }))
    }
  },
  async ping (cmd) {
    const rtts = []
    for (let i = 0; i < (cmd.count ?? 1); i++) {
      rtts.push(await node.services.ping.ping(target(cmd), { signal: AbortSignal.timeout(cmd.timeoutMs ?? 20000) }))
    }
    return { rttMs: rtts }
  },
  // runs identify now on the connection to "peer" and reports what the remote said
  async identify (cmd) {
    const r = await node.services.identify.identify(connectionTo(cmd.peer), { signal: AbortSignal.timeout(cmd.timeoutMs ?? 20000) })
    return identifyJson(r)
  },
  // what js stored about a peer after identify (protocols, addresses, agent)
  async peerInfo (cmd) {
    const p = await node.peerStore.get(peerIdFromString(cmd.peer))
    const meta = (k) => p.metadata.has(k) ? new TextDecoder().decode(p.metadata.get(k)) : null
    return {
      protocols: p.protocols,
      addresses: p.addresses.map(a => ({ multiaddr: a.multiaddr.toString(), isCertified: a.isCertified })),
      agentVersion: meta('AgentVersion'),
      protocolVersion: meta('ProtocolVersion'),
      hasPeerRecord: p.peerRecordEnvelope != null
    }
  },
  // sends "bytes" random bytes on an echo stream, reads the echo; SHA-256 of both sides
  async echo (cmd) {
    const started = performance.now()
    const stream = await streamFor(cmd, cmd.protocol ?? ECHO)
    const sent = digest(); const got = digest()
    const reading = (async () => { for await (const chunk of stream) got.update(chunkBytes(chunk)) })()
    await sendAll(stream, cmd.bytes, sent)
    await reading
    return { sentBytes: sent.count, sentSha256: sent.hex(), receivedBytes: got.count, receivedSha256: got.hex(), ms: performance.now() - started }
  },
  // one-way throughput: "bytes" random bytes on a sink stream, timed until the sink's SHA-256 answer
  async throughput (cmd) {
    const stream = await streamFor(cmd, SINK)
    const sent = digest(); const answer = []
    const started = performance.now()
    const reading = (async () => { for await (const chunk of stream) answer.push(Buffer.from(chunkBytes(chunk))) })()
    await sendAll(stream, cmd.bytes, sent, cmd.chunkSize ?? 64 * 1024)
    await reading
    const ms = performance.now() - started
    const sha = sent.hex()
    const remoteSha = Buffer.concat(answer).toString('hex')
    if (remoteSha !== sha) throw new Error(`sink digest ${remoteSha} != sent ${sha}`)
    return { bytes: sent.count, ms, mbPerSecond: (sent.count / 1048576) / (ms / 1000), sha256: sha }
  },
  // ---- circuit relay v2
  // waits until one of our addresses is relayed (a reservation went through) and lists them
  async awaitRelayed (cmd) {
    const end = Date.now() + (cmd.timeoutMs ?? 20000)
    while (Date.now() < end) {
      const relayed = node.getMultiaddrs().map(a => a.toString()).filter(a => a.includes('/p2p-circuit'))
      if (relayed.length > 0) return { relayed }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    throw new Error('no relayed address: ' + node.getMultiaddrs().map(a => a.toString()))
  },
  // the relay service's reservations (needs "relayServer")
  async relayReservations () {
    return { peers: [...node.services.relay.reservations.keys()].map(p => p.toString()) }
  },
  // ---- kad-dht (needs the "kad" option)
  async kadSetMode (cmd) {
    await node.services.dht.setMode(cmd.mode)
    return { mode: node.services.dht.getMode() }
  },
  async kadRoutingTable () {
    return { size: node.services.dht.routingTable.size, mode: node.services.dht.getMode() }
  },
  async kadPut (cmd) {
    const signal = AbortSignal.timeout(cmd.timeoutMs ?? 30000)
    const acks = await collect(node.services.dht.put(Buffer.from(cmd.key, 'hex'), Buffer.from(cmd.value, 'hex'), { signal }),
      e => e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE' ? e.from.toString() : undefined)
    return { stored: acks.length, peers: acks }
  },
  async kadGet (cmd) {
    const signal = AbortSignal.timeout(cmd.timeoutMs ?? 30000)
    const values = await collect(node.services.dht.get(Buffer.from(cmd.key, 'hex'), { signal }),
      e => e.name === 'VALUE' ? { from: e.from.toString(), value: Buffer.from(e.value).toString('hex') } : undefined)
    if (values.length === 0) throw new Error('no value found')
    return { value: values[values.length - 1].value, values }
  },
  async kadProvide (cmd) {
    const signal = AbortSignal.timeout(cmd.timeoutMs ?? 30000)
    const told = await collect(node.services.dht.provide(cidOf(cmd.multihash), { signal }),
      e => e.name === 'PEER_RESPONSE' ? e.from.toString() : undefined)
    return { told: told.length }
  },
  async kadFindProviders (cmd) {
    const signal = AbortSignal.timeout(cmd.timeoutMs ?? 30000)
    const found = new Map()
    for await (const e of node.services.dht.findProviders(cidOf(cmd.multihash), { signal })) {
      if (e.name !== 'PROVIDER') continue
      for (const p of e.providers) found.set(p.id.toString(), p.multiaddrs.map(a => a.toString()))
      if (found.size >= (cmd.max ?? 20)) break
    }
    return { providers: [...found].map(([peerId, addrs]) => ({ peerId, addrs })) }
  },
  async kadFindPeer (cmd) {
    const signal = AbortSignal.timeout(cmd.timeoutMs ?? 30000)
    for await (const e of node.services.dht.findPeer(peerIdFromString(cmd.peer), { signal })) {
      if (e.name === 'FINAL_PEER') return { peerId: e.peer.id.toString(), addrs: e.peer.multiaddrs.map(a => a.toString()) }
    }
    throw new Error('peer not found')
  },
  async kadClosestPeers (cmd) {
    const signal = AbortSignal.timeout(cmd.timeoutMs ?? 30000)
    const peers = await collect(node.services.dht.getClosestPeers(Buffer.from(cmd.key, 'hex'), { signal }),
      e => e.name === 'FINAL_PEER' ? e.peer.id.toString() : undefined)
    return { peers }
  },
  // this process's memory (after a GC when node runs with --expose-gc)
  async memory () {
    if (typeof globalThis.gc === 'function') globalThis.gc()
    const m = process.memoryUsage()
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }
  },
  // opens "count" more connections to "addr" and keeps them (for memory per idle connection)
  async openConnections (cmd) {
    for (let i = 0; i < cmd.count; i++) {
      await node.dial(multiaddr(cmd.addr), { force: true, signal: AbortSignal.timeout(cmd.timeoutMs ?? 20000) })
    }
    return { connections: node.getConnections().length }
  },
  async stop () {
    setTimeout(async () => { await node.stop(); process.exit(0) }, 10)
    return {}
  }
}

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  if (line.trim() === '') return
  let cmd
  try { cmd = JSON.parse(line) } catch (e) { emit({ ok: false, error: `not JSON: ${line}` }); return }
  const fn = commands[cmd.cmd]
  if (!fn) { emit({ id: cmd.id, ok: false, error: `unknown command ${cmd.cmd}` }); return }
  try {
    emit({ id: cmd.id, ok: true, ...(await fn(cmd)) })
  } catch (e) {
    emit({ id: cmd.id, ok: false, error: `${e.name}: ${e.message}` })
  }
})
// the test process went away: do not linger
rl.on('close', async () => { await node.stop(); process.exit(0) })

emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })
