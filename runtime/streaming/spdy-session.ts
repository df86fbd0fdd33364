// A server-side SPDY/3.1 session over one byte stream (an upgraded HTTP connection, or a WebSocket
// tunnel): the peer opens streams with SYN_STREAM, each surfaces as a Duplex (SpdyStream) with its
// decoded headers; the server answers with reply(), writes DATA, ends with FIN, or resets. PINGs
// are echoed, GOAWAY ends the session. Frames are handled strictly in arrival order because the
// header blocks share one zlib context.
import { Duplex } from 'node:stream';
import { SpdyHeaderCodec } from './spdy-header-codec.js';
import {
  dataFrame,
  FLAG_FIN,
  goAwayFrame,
  parseSynStream,
  payloadStreamId,
  pingFrame,
  RST_CANCEL,
  rstStreamFrame,
  SpdyFrameReader,
  synReplyFrame,
  TYPE_GOAWAY,
  TYPE_HEADERS,
  TYPE_PING,
  TYPE_RST_STREAM,
  TYPE_SYN_STREAM,
  type SpdyFrame,
  type SpdyHeaders,
} from './spdy-frames.js';

const MAX_DATA = 64 * 1024;

export class SpdyStream extends Duplex {
  private localFin = false;
  private remoteFin = false;
  private wasReset = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  /** SYN_REPLY with HEADERS (before any data is written) */
  reply(headers: SpdyHeaders = {}): Promise<void> {
    return this.session.sendReply(this.id, headers);
  }

  override _read(): void {
    /* data is pushed as frames arrive */
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    let flushed = true;
    for (let off = 0; off < chunk.length; off += MAX_DATA) flushed = this.session.send(dataFrame(this.id, chunk.subarray(off, off + MAX_DATA), false));
    // the connection's buffer is full: take no more until it drains (a slow client slows the pod side)
    if (flushed) cb();
    else this.session.onDrain(() => cb());
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.localFin = true;
    this.session.send(dataFrame(this.id, Buffer.alloc(0), true));
    this.settle();
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.wasReset && !(this.localFin && this.remoteFin)) this.session.send(rstStreamFrame(this.id, RST_CANCEL));
    this.session.forget(this.id);
    cb(err);
  }

  /** @internal DATA from the peer */
  receive(data: Buffer, fin: boolean): void {
    if (data.length) this.push(data);
    if (fin) {
      this.remoteFin = true;
      this.push(null);
      this.settle();
    }
  }

  /** @internal the peer reset the stream */
  resetByPeer(): void {
    this.wasReset = true;
    this.destroy();
  }

  private settle(): void {
    if (this.localFin && this.remoteFin) this.session.forget(this.id);
  }
}

export class SpdySession {
  private readonly reader = new SpdyFrameReader();
  private readonly codec = new SpdyHeaderCodec();
  private readonly streams = new Map<number, SpdyStream>();
  private queue: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(
    private readonly io: Duplex,
    private readonly onStream: (s: SpdyStream) => void,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {
    io.on('data', (chunk: Buffer) => {
      let frames: SpdyFrame[];
      try {
        frames = this.reader.push(chunk);
      } catch (e) {
        return this.fail(e as Error);
      }
      for (const f of frames) this.queue = this.queue.then(() => this.handle(f)).catch((e: unknown) => this.fail(e as Error));
    });
    io.on('end', () => this.close());
    io.on('close', () => this.close());
    io.on('error', (e: Error) => this.fail(e));
  }

  /** writes FRAME; false when the connection's buffer is full (see onDrain) */
  send(frame: Buffer): boolean {
    if (this.closed || !this.io.writable) return true;
    return this.io.write(frame);
  }

  /** calls FN once the connection can take more (at once when it is closed) */
  onDrain(fn: () => void): void {
    if (this.closed || !this.io.writable) return fn();
    const done = (): void => {
      this.io.off('drain', done);
      this.io.off('close', done);
      fn();
    };
    this.io.on('drain', done);
    this.io.on('close', done);
  }

  async sendReply(id: number, headers: SpdyHeaders): Promise<void> {
    this.send(synReplyFrame(id, await this.codec.encode(headers)));
  }

  forget(id: number): void {
    this.streams.delete(id);
  }

  /** sends GOAWAY, resets what is open and closes the connection */
  close(): void {
    if (this.closed) return;
    this.send(goAwayFrame(this.lastStreamId, 0));
    this.closed = true;
    for (const s of this.streams.values()) s.resetByPeer();
    this.streams.clear();
    this.codec.close();
    this.io.end();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.onError(e);
    this.close();
    this.io.destroy();
  }

  private async handle(f: SpdyFrame): Promise<void> {
    if (this.closed) return;
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (s) s.receive(f.data, (f.flags & FLAG_FIN) !== 0);
      return;
    }
    switch (f.type) {
      case TYPE_SYN_STREAM: {
        const syn = parseSynStream(f.payload);
        const headers = await this.codec.decode(syn.headerBlock);
        this.lastStreamId = Math.max(this.lastStreamId, syn.streamId);
        const s = new SpdyStream(syn.streamId, headers, this);
        this.streams.set(syn.streamId, s);
        this.onStream(s);
        if (f.flags & FLAG_FIN) s.receive(Buffer.alloc(0), true);
        return;
      }
      case TYPE_HEADERS:
        await this.codec.decode(f.payload.subarray(4)); // keeps the zlib context in step; nothing uses them
        return;
      case TYPE_RST_STREAM:
        this.streams.get(payloadStreamId(f.payload))?.resetByPeer();
        return;
      case TYPE_PING:
        if (f.payload.length >= 4) this.send(pingFrame(f.payload.readUInt32BE(0)));
        return;
      case TYPE_GOAWAY:
        this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE, NOOP: no flow control is enforced on either side
    }
  }
}
