// Node 20 lacks Promise.withResolvers (Node 22 has it); current js-libp2p releases call it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

// Node 20 has no global WebSocket (Node 22 has it); @libp2p/websockets dials with the global one.
// The `ws` package (a dependency of @libp2p/websockets, which also listens with it) implements the
// same WHATWG API.
if (typeof globalThis.WebSocket !== 'function') {
  const { WebSocket } = await import('ws')
  globalThis.WebSocket = WebSocket
}
