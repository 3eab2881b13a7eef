// ggwave's encoder and decoder for the interop tests (drivers/audio-modem GgwaveInteropTest).
//   node ggwave-peer.cjs encode PROTOCOL VOLUME HEX OUT   writes OUT as raw float32 LE samples, 48 kHz mono
//   node ggwave-peer.cjs decode IN [IN ...]               prints each file's decoded payload as hex, a line per
//                                                         file ("" when none), each with a fresh instance
// PROTOCOL is ggwave's id name without the prefix, e.g. ULTRASOUND_FAST.
const fs = require('fs');
const factory = require('ggwave');

factory().then((g) => {
  g.disableLog();
  const params = g.getDefaultParameters();
  params.sampleRateInp = 48000;
  params.sampleRateOut = 48000;
  params.sampleRate = 48000;
  const [cmd, ...args] = process.argv.slice(2);
  const instance = g.init(params);
  if (cmd === 'encode') {
    const [protocol, volume, hex, out] = args;
    const id = g.ProtocolId['GGWAVE_PROTOCOL_' + protocol];
    if (id === undefined) throw new Error('unknown protocol ' + protocol);
    const wave = g.encode(instance, Buffer.from(hex, 'hex'), id, Number(volume));
    fs.writeFileSync(out, Buffer.from(new Int8Array(wave).buffer));
  } else if (cmd === 'decode') {
    for (const file of args) {
      const fresh = g.init(params);
      const bytes = fs.readFileSync(file);
      const res = g.decode(fresh, new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      process.stdout.write(Buffer.from(res).toString('hex') + '\n');
      g.free(fresh);
    }
  } else {
    throw new Error('usage: encode PROTOCOL VOLUME HEX OUT | decode IN');
  }
});
