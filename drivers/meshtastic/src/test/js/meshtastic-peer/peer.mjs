// A Meshtastic peer built from Meshtastic's own protobuf definitions (@meshtastic/protobufs, with
// @bufbuild/protobuf) and Node's AES-CTR (node:crypto). The Java tests send it one request per line on stdin
// and read one answer per line on stdout:  op<TAB>key=value<TAB>...  ->  ok<TAB>key=value...  |  error<TAB>text
// Byte and text values travel as hex; numbers as decimal (node numbers unsigned).
import { createInterface } from "node:readline";
import { createCipheriv } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Mesh, Mqtt } from "@meshtastic/protobufs";

const hex = (b) => Buffer.from(b).toString("hex");
const unhex = (s) => new Uint8Array(Buffer.from(s ?? "", "hex"));
const utf8 = (s) => Buffer.from(s ?? "", "hex").toString("utf8");
const u32 = (n) => Number(n) >>> 0;

// AES-CTR with Meshtastic's nonce: packet id (u64 LE), sender (u32 LE), 32-bit counter from 0
function crypt(keyHex, id, from, data) {
  const key = Buffer.from(keyHex, "hex");
  if (key.length === 0) return Buffer.from(data);
  const iv = Buffer.alloc(16);
  iv.writeUInt32LE(u32(id), 0);
  iv.writeUInt32LE(u32(from), 8);
  const c = createCipheriv(key.length === 32 ? "aes-256-ctr" : "aes-128-ctr", key, iv);
  return Buffer.concat([c.update(Buffer.from(data)), c.final()]);
}

function describeData(d, out) {
  out.portnum = d.portnum;
  out.payload = hex(d.payload);
  out.wantResponse = d.wantResponse ? 1 : 0;
  if (d.bitfield !== undefined) out.bitfield = d.bitfield;
  if (d.portnum === 1) out.text = hex(Buffer.from(new TextDecoder().decode(d.payload), "utf8"));
  if (d.portnum === 4) {
    const u = fromBinary(Mesh.UserSchema, d.payload);
    Object.assign(out, { uid: hex(Buffer.from(u.id)), long: hex(Buffer.from(u.longName)),
      short: hex(Buffer.from(u.shortName)), hw: u.hwModel, role: u.role, pubkey: hex(u.publicKey) });
  }
  if (d.portnum === 3) {
    const p = fromBinary(Mesh.PositionSchema, d.payload);
    Object.assign(out, { lat: p.latitudeI, lon: p.longitudeI, alt: p.altitude, time: p.time,
      precision: p.precisionBits, sats: p.satsInView });
  }
}

function buildData(a) {
  const port = Number(a.port);
  let payload;
  if (port === 1) payload = unhex(a.text);
  else if (port === 4) payload = toBinary(Mesh.UserSchema, create(Mesh.UserSchema, { id: utf8(a.uid),
    longName: utf8(a.long), shortName: utf8(a.short), hwModel: Number(a.hw), role: Number(a.role),
    publicKey: unhex(a.pubkey) }));
  else if (port === 3) payload = toBinary(Mesh.PositionSchema, create(Mesh.PositionSchema, {
    latitudeI: Number(a.lat), longitudeI: Number(a.lon), altitude: Number(a.alt), time: u32(a.time),
    precisionBits: Number(a.precision), satsInView: Number(a.sats ?? 0) }));
  else payload = unhex(a.payload);
  const init = { portnum: port, payload };
  if (a.bitfield !== undefined) init.bitfield = Number(a.bitfield);
  if (a.wantResponse === "1") init.wantResponse = true;
  return create(Mesh.DataSchema, init);
}

function describePacket(p, out) {
  Object.assign(out, { from: u32(p.from), to: u32(p.to), id: u32(p.id), channel: p.channel, hopLimit: p.hopLimit,
    hopStart: p.hopStart, wantAck: p.wantAck ? 1 : 0, viaMqtt: p.viaMqtt ? 1 : 0, rxTime: u32(p.rxTime),
    rxRssi: p.rxRssi, nextHop: p.nextHop, relayNode: p.relayNode });
  if (p.payloadVariant.case === "encrypted") out.encrypted = hex(p.payloadVariant.value);
  if (p.payloadVariant.case === "decoded") describeData(p.payloadVariant.value, out);
}

function buildPacket(a) {
  const init = { from: u32(a.from), to: u32(a.to), id: u32(a.id), channel: Number(a.channel ?? 0),
    hopLimit: Number(a.hopLimit ?? 0), hopStart: Number(a.hopStart ?? 0), wantAck: a.wantAck === "1",
    viaMqtt: a.viaMqtt === "1", rxTime: u32(a.rxTime ?? 0), rxRssi: Number(a.rxRssi ?? 0) };
  init.payloadVariant = a.encrypted !== undefined
    ? { case: "encrypted", value: unhex(a.encrypted) }
    : { case: "decoded", value: buildData(a) };
  return create(Mesh.MeshPacketSchema, init);
}

const ops = {
  // an over-the-air frame: 16-byte header (little-endian) + AES-CTR(Data)
  decode(a) {
    const f = Buffer.from(a.frame, "hex");
    const out = { to: f.readUInt32LE(0), from: f.readUInt32LE(4), id: f.readUInt32LE(8), flags: f[12],
      channel: f[13], nextHop: f[14], relayNode: f[15] };
    describeData(fromBinary(Mesh.DataSchema, crypt(a.key, out.id, out.from, f.subarray(16))), out);
    return out;
  },
  encode(a) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(u32(a.to), 0);
    h.writeUInt32LE(u32(a.from), 4);
    h.writeUInt32LE(u32(a.id), 8);
    h[12] = Number(a.flags);
    h[13] = Number(a.channel);
    const body = crypt(a.key, a.id, a.from, toBinary(Mesh.DataSchema, buildData(a)));
    return { frame: hex(Buffer.concat([h, body])) };
  },
  "envelope-decode"(a) {
    const e = fromBinary(Mqtt.ServiceEnvelopeSchema, unhex(a.hex));
    const out = { channelId: hex(Buffer.from(e.channelId)), gatewayId: hex(Buffer.from(e.gatewayId)) };
    describePacket(e.packet, out);
    return out;
  },
  "envelope-encode"(a) {
    const e = create(Mqtt.ServiceEnvelopeSchema, { packet: buildPacket(a), channelId: utf8(a.channelId),
      gatewayId: utf8(a.gatewayId) });
    return { hex: hex(toBinary(Mqtt.ServiceEnvelopeSchema, e)) };
  },
  "toradio-decode"(a) {
    const t = fromBinary(Mesh.ToRadioSchema, unhex(a.hex));
    const out = { variant: t.payloadVariant.case ?? "none" };
    if (t.payloadVariant.case === "packet") describePacket(t.payloadVariant.value, out);
    if (t.payloadVariant.case === "wantConfigId") out.wantConfigId = t.payloadVariant.value;
    return out;
  },
  "fromradio-encode"(a) {
    const init = { id: Number(a.fid ?? 0) };
    if (a.myNode !== undefined) init.payloadVariant = { case: "myInfo", value: create(Mesh.MyNodeInfoSchema, { myNodeNum: u32(a.myNode) }) };
    else if (a.configComplete !== undefined) init.payloadVariant = { case: "configCompleteId", value: u32(a.configComplete) };
    else init.payloadVariant = { case: "packet", value: buildPacket(a) };
    return { hex: hex(toBinary(Mesh.FromRadioSchema, create(Mesh.FromRadioSchema, init))) };
  },
};

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const [op, ...kv] = line.split("\t");
  const args = Object.fromEntries(kv.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  try {
    const out = ops[op](args);
    process.stdout.write("ok\t" + Object.entries(out).map(([k, v]) => `${k}=${v}`).join("\t") + "\n");
  } catch (e) {
    process.stdout.write("error\t" + String(e.message).replace(/\s+/g, " ") + "\n");
  }
});
console.log("ready");
