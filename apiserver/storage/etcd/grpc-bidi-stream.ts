// A bidirectional gRPC stream on an HTTP/2 session (etcd's Watch): messages written are framed,
// messages received are reassembled from DATA frames and handed over in order; the stream ends with
// the server's status, a transport error, or cancel(). A stream whose session never connected is
// opened again on the next endpoint.
import http2, { type ClientHttp2Stream } from 'node:http2';
import type { ConnectionSource, GrpcConnection } from './grpc-connection.js';
import { frameMessage, GrpcFrameReader } from './grpc-frames.js';
import { GrpcCode, GrpcError, type GrpcMetadata as Headers, httpStatusError, statusFromMetadata } from './grpc-status.js';

export interface GrpcStreamSink {
  onMessage(message: Buffer): void;
  /** the stream ended without cancel(): err is undefined when the server ended it with status OK */
  onClose(err: GrpcError | undefined): void;
}

export interface GrpcStream {
  write(message: Uint8Array): void;
  /** ends the stream (RST_STREAM CANCEL); the sink hears nothing more */
  cancel(): void;
}

export class GrpcBidiStream implements GrpcStream {
  private stream?: ClientHttp2Stream;
  private attempts = 0;
  /** frames sent on a session not yet known to work, replayed if it turns out never to connect */
  private unconfirmed: Buffer[] = [];
  private headers?: Headers;
  private trailers?: Headers;
  private error?: Error;
  private ended = false;
  private reader = new GrpcFrameReader();

  constructor(
    private readonly source: ConnectionSource,
    private readonly method: string,
    first: Uint8Array,
    private readonly sink: GrpcStreamSink,
    private readonly onCancel: () => void,
  ) {
    this.unconfirmed.push(frameMessage(first));
  }

  start(): void {
    let conn: GrpcConnection;
    let stream: ClientHttp2Stream;
    try {
      conn = this.source.connection();
      stream = conn.session.request(this.source.headersFor(this.method, false));
    } catch (e) {
      this.end(new GrpcError(GrpcCode.UNAVAILABLE, (e as Error).message, this.method));
      return;
    }
    this.attempts++;
    this.stream = stream;
    this.headers = this.trailers = this.error = undefined;
    this.reader = new GrpcFrameReader();
    conn.acquire(true);
    stream.on('response', (h: Headers) => {
      this.headers = h;
      this.unconfirmed = [];
      const bad = h['grpc-status'] === undefined ? httpStatusError(h[':status'], h['content-type'], this.method) : undefined;
      if (bad) this.fail(bad);
    });
    stream.on('data', (chunk: Buffer) => {
      if (this.ended || stream !== this.stream) return;
      try {
        this.reader.push(chunk, (m) => {
          if (!this.ended) this.sink.onMessage(m);
        });
      } catch (e) {
        this.fail(new GrpcError(GrpcCode.INTERNAL, (e as Error).message, this.method));
      }
    });
    stream.on('trailers', (t: Headers) => (this.trailers = t));
    // the server has finished the call (trailers sent): close our side too, so that 'close' follows
    stream.on('end', () => {
      if (!stream.destroyed) stream.close();
    });
    stream.on('error', (e: Error) => (this.error ??= e));
    stream.on('close', () => this.closed(conn, stream));
    for (const frame of this.unconfirmed) stream.write(frame);
  }

  write(message: Uint8Array): void {
    if (this.ended || !this.stream) return;
    const frame = frameMessage(message);
    if (!this.headers) this.unconfirmed.push(frame);
    this.stream.write(frame);
  }

  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.onCancel();
    this.reset();
  }

  private reset(): void {
    const s = this.stream;
    if (!s || s.destroyed) return;
    if (s.pending) s.destroy();
    else s.close(http2.constants.NGHTTP2_CANCEL);
  }

  private fail(err: GrpcError): void {
    this.end(err);
    this.reset();
  }

  private end(err: GrpcError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.onClose(err);
  }

  private closed(conn: GrpcConnection, stream: ClientHttp2Stream): void {
    conn.release(true);
    if (this.ended || stream !== this.stream) return;
    if (this.error && !this.headers && !conn.connected && this.attempts < this.source.endpointCount) {
      // the session never connected: nothing was sent, open the stream on the next endpoint
      this.source.connectFailed(conn);
      this.start();
      return;
    }
    const meta = this.trailers ?? this.headers;
    const status = meta ? statusFromMetadata(meta, this.method) : undefined;
    if (status !== undefined) {
      this.end(status ?? undefined);
      return;
    }
    const why = this.error?.message ?? conn.failure?.message
      ?? (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR ? `stream reset with code ${stream.rstCode}` : 'stream ended without a grpc-status');
    this.end(new GrpcError(GrpcCode.UNAVAILABLE, `${conn.endpoint.origin}: ${why}`, this.method));
  }
}
