// A minimal SPDY/3 client for tests: opens streams (SYN_STREAM with compressed headers), sends
// DATA, and collects what the server sends, decoding SYN_REPLY header blocks with its own zlib
// context, as kubectl's spdystream does.
import { Duplex, PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../runtime/streaming/spdy-dictionary.js';
import { dataFrame, encodeHeaderBlock, SpdyFrameReader, TYPE_SYN_STREAM, type SpdyFrame, type SpdyHeaders } from '../../runtime/streaming/spdy-frames.js';

export function syncFlush(z: zlib.Deflate | zlib.Inflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const on = (b: Buffer): void => void out.push(b);
    z.on('data', on);
    z.write(input);
    z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      z.off('data', on);
      resolve(Buffer.concat(out));
    });
  });
}

export class SpdyTestClient {
  /** the server's end of the connection */
  readonly serverIo: Duplex;
  readonly frames: SpdyFrame[] = [];
  private readonly toServer = new PassThrough();
  private readonly toClient = new PassThrough();
  private readonly deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  readonly inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private readonly reader = new SpdyFrameReader();
  private waiters: (() => void)[] = [];

  constructor() {
    this.serverIo = Duplex.from({ readable: this.toServer, writable: this.toClient });
    this.toClient.on('data', (b: Buffer) => {
      this.frames.push(...this.reader.push(b));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async synStream(id: number, headers: SpdyHeaders, fin = false): Promise<void> {
    const block = await syncFlush(this.deflate, encodeHeaderBlock(headers));
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(id, 0);
    const payload = Buffer.concat([fixed, block]);
    const h = Buffer.alloc(8);
    h.writeUInt32BE(0x80030000 + TYPE_SYN_STREAM, 0);
    h[4] = fin ? 1 : 0;
    h.writeUIntBE(payload.length, 5, 3);
    this.toServer.write(Buffer.concat([h, payload]));
  }

  data(id: number, data: Buffer | string, fin = false): void {
    this.toServer.write(dataFrame(id, Buffer.from(data), fin));
  }

  raw(b: Buffer): void {
    this.toServer.write(b);
  }

  /** resolves once a frame matching PRED arrived */
  async waitFor(pred: (f: SpdyFrame) => boolean, timeoutMs = 5000): Promise<SpdyFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.find(pred);
      if (f) return f;
      if (Date.now() > deadline) throw new Error(`no matching frame in ${JSON.stringify(this.frames.map((x) => (x.control ? `c${x.type}` : `d${x.streamId}:${x.data.length}${x.flags ? 'F' : ''}`)))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** the bytes of all DATA frames of stream ID so far, and whether its FIN came */
  streamData(id: number): { data: string; fin: boolean } {
    const mine = this.frames.filter((f): f is Extract<SpdyFrame, { control: false }> => !f.control && f.streamId === id);
    return { data: Buffer.concat(mine.map((f) => f.data)).toString(), fin: mine.some((f) => (f.flags & 1) !== 0) };
  }

  close(): void {
    this.toServer.end();
    this.deflate.destroy();
    this.inflate.destroy();
  }
}
