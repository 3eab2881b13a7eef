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
// same WHATWG API, with one difference that matters here: it can emit 'message' events before the
// code awaiting 'open' has attached its 'message' listener, and @libp2p/websockets attaches it only
// after that await. A server that writes right after the 101 (a multistream listener sends its
// header at once) then loses its first message. Messages that arrive before the first 'message'
// listener are therefore kept and handed to it when it is attached, as a browser would deliver them.
if (typeof globalThis.WebSocket !== 'function') {
  const { WebSocket: WsWebSocket } = await import('ws')
  class BufferingWebSocket extends WsWebSocket {
    constructor (...args) {
      super(...args)
      this._early = []
      this._earlyListener = (evt) => { this._early.push(evt) }
      this._delivering = false
      super.addEventListener('message', this._earlyListener)
    }

    addEventListener (type, listener, options) {
      if (type === 'message' && !this._delivering) {
        this._delivering = true
        super.removeEventListener('message', this._earlyListener)
        super.addEventListener(type, listener, options)
        for (const evt of this._early.splice(0)) {
          if (typeof listener === 'function') listener.call(this, evt)
          else listener.handleEvent(evt)
        }
        return
      }
      super.addEventListener(type, listener, options)
    }
  }
  globalThis.WebSocket = BufferingWebSocket
}
