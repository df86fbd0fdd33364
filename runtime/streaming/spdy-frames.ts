// Pure SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 with the 3.1 flow-control frames): splits a
// byte stream into frames and builds the frames a server sends. Header blocks are handled here
// uncompressed (count, then length-prefixed names and values, all 32-bit big-endian); their zlib
// layer is spdy-header-codec.ts.

export const SPDY_VERSION = 3;
export const TYPE_SYN_STREAM = 1;
export const TYPE_SYN_REPLY = 2;
export const TYPE_RST_STREAM = 3;
export const TYPE_SETTINGS = 4;
export const TYPE_PING = 6;
export const TYPE_GOAWAY = 7;
export const TYPE_HEADERS = 8;
export const TYPE_WINDOW_UPDATE = 9;
export const FLAG_FIN = 0x01;

export const RST_PROTOCOL_ERROR = 1;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

export type SpdyFrame =
  | { control: true; version: number; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

export class SpdyProtocolError extends Error {}

/** accumulates bytes and hands out whole frames */
export class SpdyFrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame = 1 << 24) {}

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (len > this.maxFrame) throw new SpdyProtocolError(`frame length ${len} exceeds ${this.maxFrame}`);
      if (this.buf.length < 8 + len) break;
      const first = this.buf.readUInt32BE(0);
      const flags = this.buf[4]!;
      const body = this.buf.subarray(8, 8 + len);
      if (first & 0x80000000) frames.push({ control: true, version: (first >>> 16) & 0x7fff, type: first & 0xffff, flags, payload: body });
      else frames.push({ control: false, streamId: first & 0x7fffffff, flags, data: body });
      this.buf = this.buf.subarray(8 + len);
    }
    return frames;
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE((0x8000 | SPDY_VERSION) * 0x10000 + type, 0);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h[4] = fin ? FLAG_FIN : 0;
  h.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([h, data]);
}

/** SYN_REPLY with an already compressed header block */
export function synReplyFrame(streamId: number, compressedHeaders: Buffer, fin = false): Buffer {
  return controlFrame(TYPE_SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), compressedHeaders]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  return controlFrame(TYPE_RST_STREAM, 0, u32(streamId & 0x7fffffff, status));
}

export function pingFrame(id: number): Buffer {
  return controlFrame(TYPE_PING, 0, u32(id));
}

export function goAwayFrame(lastGoodStreamId: number, status: number): Buffer {
  return controlFrame(TYPE_GOAWAY, 0, u32(lastGoodStreamId & 0x7fffffff, status));
}

export function windowUpdateFrame(streamId: number, delta: number): Buffer {
  return controlFrame(TYPE_WINDOW_UPDATE, 0, u32(streamId & 0x7fffffff, delta & 0x7fffffff));
}

/** SYN_STREAM's fixed part: stream id, associated stream id, priority; the rest is the header block */
export function parseSynStream(payload: Buffer): { streamId: number; associatedId: number; headerBlock: Buffer } {
  if (payload.length < 10) throw new SpdyProtocolError(`SYN_STREAM payload of ${payload.length} bytes is too short`);
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, associatedId: payload.readUInt32BE(4) & 0x7fffffff, headerBlock: payload.subarray(10) };
}

/** the stream id that starts a control payload (RST_STREAM, WINDOW_UPDATE, HEADERS, SYN_REPLY) */
export function payloadStreamId(payload: Buffer): number {
  if (payload.length < 4) throw new SpdyProtocolError('control frame payload too short for a stream id');
  return payload.readUInt32BE(0) & 0x7fffffff;
}

export type SpdyHeaders = Record<string, string>;

/** an uncompressed header block: names lowercased; several values of one name are NUL-joined */
export function encodeHeaderBlock(h: SpdyHeaders): Buffer {
  const parts: Buffer[] = [u32(Object.keys(h).length)];
  for (const [k, v] of Object.entries(h)) {
    const name = Buffer.from(k.toLowerCase());
    const value = Buffer.from(v);
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(b: Buffer): SpdyHeaders {
  const need = (off: number, n: number): void => {
    if (off + n > b.length) throw new SpdyProtocolError('header block truncated');
  };
  need(0, 4);
  const count = b.readUInt32BE(0);
  let off = 4;
  const out: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    need(off, 4);
    const nl = b.readUInt32BE(off);
    off += 4;
    need(off, nl);
    const name = b.subarray(off, off + nl).toString();
    off += nl;
    need(off, 4);
    const vl = b.readUInt32BE(off);
    off += 4;
    need(off, vl);
    out[name.toLowerCase()] = b.subarray(off, off + vl).toString();
    off += vl;
  }
  return out;
}
