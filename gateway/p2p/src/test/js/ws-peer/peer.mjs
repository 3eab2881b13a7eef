// Foreign WebSocket peer for WebSocketNodeInteropTest, built on the `ws` package.
// Prints one event per line on stdout; the Java test reads them.
//   node peer.mjs server                  echo server on 127.0.0.1 (prints "LISTENING <port>"); pings each client
//   node peer.mjs client <url> echo       sends 1 KiB, 1 MiB and 64 KiB random messages, checks the echoed stream, pings, closes 4000
//   node peer.mjs client <url> text       sends a text message (libp2p forbids them), reports the close
//   node peer.mjs client <url> big <n>    sends one binary message of n bytes, reports the close
import { WebSocketServer, WebSocket } from 'ws';
import { createHash, randomBytes } from 'node:crypto';

const say = (line) => process.stdout.write(line + '\n');
const sha = (b) => createHash('sha256').update(b).digest('hex');
const [mode, url, action, arg] = process.argv.slice(2);

if (mode === 'server') {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 * 1024 * 1024 });
  wss.on('listening', () => say('LISTENING ' + wss.address().port));
  wss.on('connection', (ws, req) => {
    say('CONNECTED ' + req.url);
    ws.on('message', (data, isBinary) => {
      say('MESSAGE ' + (isBinary ? 'binary ' : 'text ') + data.length + ' ' + sha(data));
      ws.send(data, { binary: isBinary });
    });
    ws.on('pong', (data) => say('PONG ' + data.toString()));
    ws.on('ping', (data) => say('PING ' + data.toString()));
    ws.on('close', (code, reason) => say('CLOSE ' + code + ' ' + reason.toString()));
    ws.on('error', (e) => say('ERROR ' + e.message));
    ws.ping(Buffer.from('from-node'));
  });
} else if (mode === 'client') {
  const ws = new WebSocket(url, { maxPayload: 4 * 1024 * 1024 });
  ws.binaryType = 'nodebuffer';
  ws.on('error', (e) => say('ERROR ' + e.message));
  ws.on('close', (code, reason) => { say('CLOSE ' + code + ' ' + reason.toString()); process.exit(0); });
  ws.on('pong', (data) => say('PONG ' + data.toString()));
  ws.on('open', () => {
    say('OPEN');
    if (action === 'text') {
      ws.send('hello as text');
    } else if (action === 'big') {
      ws.send(randomBytes(Number(arg)));
    } else {
      // The echo is checked as a byte stream (libp2p's view): the other side may cut it into other messages.
      const sizes = [1024, 1024 * 1024, 65536];
      const sent = sizes.map((n) => randomBytes(n));
      const expected = Buffer.concat(sent);
      const chunks = [];
      let received = 0;
      ws.on('message', (data) => {
        chunks.push(Buffer.from(data));
        received += data.length;
        if (received >= expected.length) {
          const ok = Buffer.compare(Buffer.concat(chunks), expected) === 0;
          say('ECHO ' + received + ' in ' + chunks.length + ' messages ' + (ok ? 'identical' : 'DIFFERENT'));
          ws.ping(Buffer.from('from-node-client'));
          ws.once('pong', () => ws.close(4000, 'done'));
        }
      });
      for (const b of sent) ws.send(b);
    }
  });
} else {
  say('ERROR unknown mode ' + mode);
  process.exit(2);
}
