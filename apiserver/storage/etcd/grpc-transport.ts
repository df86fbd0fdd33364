// gRPC over node:http2, the part an etcd client needs: unary calls and bidirectional streams on one
// reused HTTP/2 session per endpoint. A session that fails before connecting moves the client on to
// the next endpoint (the call is retried there: it was never sent); a lost session is dialled again
// on the next call. Every unary call has a deadline, so a dead etcd is an error, never a hang.
//
// Unary calls are the hot path (one per API write): the listeners are shared functions finding
// their call through the stream, and deadlines are checked by one timer for all calls.
import http2, { type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import { parseEtcdEndpoints, type EtcdEndpoint } from './etcd-endpoints.js';
import { GrpcBidiStream, type GrpcStream, type GrpcStreamSink } from './grpc-bidi-stream.js';
import { type ConnectionSource, GrpcConnection, type EtcdTlsOptions } from './grpc-connection.js';
import { frameMessage, readSingleMessage } from './grpc-frames.js';
import { GrpcCode, GrpcError, type GrpcMetadata as Headers, httpStatusError, statusFromMetadata } from './grpc-status.js';

export interface GrpcTransportOptions {
  /** http:// or https:// URLs */
  endpoints: readonly string[];
  /** for https:// endpoints */
  tls?: EtcdTlsOptions;
  /** how long dialling an endpoint may take; default 5 s */
  connectTimeoutMs?: number;
  /** how long a unary call may take; default 15 s */
  callTimeoutMs?: number;
  /** ping interval for sessions with open streams; default 20 s */
  keepaliveIntervalMs?: number;
  /** how long a ping answer may take; default 5 s */
  keepaliveTimeoutMs?: number;
}

const CALL = Symbol('skiff.grpc.call');
type CallStream = ClientHttp2Stream & { [CALL]?: UnaryCall };

const SWEEP_MS = 200;

/** a grpc-timeout header value: at most 8 digits and a unit */
function grpcTimeout(ms: number): string {
  const n = Math.max(1, Math.ceil(ms));
  return n < 1e8 ? `${n}m` : `${Math.min(99_999_999, Math.ceil(n / 1000))}S`;
}

class UnaryCall {
  attempts = 0;
  done = false;
  conn?: GrpcConnection;
  stream?: CallStream;
  headers?: Headers;
  trailers?: Headers;
  error?: Error;
  first?: Buffer;
  rest?: Buffer[];

  constructor(
    readonly transport: GrpcTransport,
    readonly method: string,
    readonly frame: Buffer,
    readonly deadline: number,
    readonly resolve: (message: Buffer) => void,
    readonly reject: (err: Error) => void,
  ) {}

  reset(): void {
    this.headers = this.trailers = this.error = this.first = this.rest = undefined;
  }
}

function onResponse(this: CallStream, headers: Headers): void {
  const call = this[CALL];
  if (call) call.headers = headers;
}

function onData(this: CallStream, chunk: Buffer): void {
  const call = this[CALL];
  if (!call) return;
  if (!call.first) call.first = chunk;
  else (call.rest ??= []).push(chunk);
}

function onTrailers(this: CallStream, trailers: Headers): void {
  const call = this[CALL];
  if (call) call.trailers = trailers;
}

function onError(this: CallStream, err: Error): void {
  const call = this[CALL];
  if (call) call.error ??= err;
}

function onClose(this: CallStream): void {
  const call = this[CALL];
  if (!call) return;
  this[CALL] = undefined;
  call.transport.finishUnary(call, this.rstCode);
}

export class GrpcTransport implements ConnectionSource {
  private readonly endpoints: EtcdEndpoint[];
  private index = 0;
  private current?: GrpcConnection;
  private readonly live = new Set<GrpcConnection>();
  private readonly pending = new Set<UnaryCall>();
  private readonly streams = new Set<GrpcStream>();
  private readonly headerCache = new Map<string, OutgoingHttpHeaders>();
  private sweeper?: NodeJS.Timeout;
  private closed = false;
  private readonly connectTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;
  private readonly keepaliveTimeoutMs: number;
  private readonly tls?: EtcdTlsOptions;

  constructor(opts: GrpcTransportOptions) {
    this.tls = opts.tls;
    this.endpoints = parseEtcdEndpoints(opts.endpoints);
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    this.callTimeoutMs = opts.callTimeoutMs ?? 15_000;
    this.keepaliveIntervalMs = opts.keepaliveIntervalMs ?? 20_000;
    this.keepaliveTimeoutMs = opts.keepaliveTimeoutMs ?? 5000;
  }

  get endpointCount(): number {
    return this.endpoints.length;
  }

  connection(): GrpcConnection {
    if (this.closed) throw new Error('the etcd client is closed');
    const cur = this.current;
    if (cur?.usable) return cur;
    const endpoint = this.endpoints[this.index % this.endpoints.length]!;
    const conn = new GrpcConnection(endpoint, {
      connectTimeoutMs: this.connectTimeoutMs,
      tls: this.tls,
      keepaliveIntervalMs: this.keepaliveIntervalMs,
      keepaliveTimeoutMs: this.keepaliveTimeoutMs,
    }, (gone) => {
      this.live.delete(gone);
      if (this.current === gone) {
        this.current = undefined;
        // a session that never connected (refused, timed out) or whose peer hung: the next
        // endpoint gets the next call
        if (!gone.connected || gone.hung) this.index++;
      }
    });
    this.live.add(conn);
    this.current = conn;
    return conn;
  }

  connectFailed(conn: GrpcConnection): void {
    if (this.current === conn) {
      this.current = undefined;
      this.index++;
    }
    conn.destroy();
  }

  headersFor(method: string, unary: boolean): OutgoingHttpHeaders {
    const cacheKey = unary ? method : `stream ${method}`;
    let h = this.headerCache.get(cacheKey);
    if (!h) {
      h = { ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' };
      // unary calls tell etcd their deadline too, so that it drops work nobody waits for any more
      if (unary) h['grpc-timeout'] = grpcTimeout(this.callTimeoutMs);
      this.headerCache.set(cacheKey, h);
    }
    return h;
  }

  /** one request message, one response message (its bytes, unframed) */
  unary(method: string, request: Uint8Array): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcError(GrpcCode.UNAVAILABLE, 'the etcd client is closed', method));
    const frame = frameMessage(request);
    return new Promise<Buffer>((resolve, reject) => {
      const call = new UnaryCall(this, method, frame, Date.now() + this.callTimeoutMs, resolve, reject);
      this.pending.add(call);
      this.armSweeper();
      this.startUnary(call);
    });
  }

  private startUnary(call: UnaryCall): void {
    let conn: GrpcConnection;
    let stream: CallStream;
    try {
      conn = this.connection();
      stream = conn.session.request(this.headersFor(call.method, true));
    } catch (e) {
      this.settle(call, new GrpcError(GrpcCode.UNAVAILABLE, (e as Error).message, call.method));
      return;
    }
    call.attempts++;
    call.conn = conn;
    call.stream = stream;
    conn.acquire();
    stream[CALL] = call;
    stream.on('response', onResponse);
    stream.on('data', onData);
    stream.on('trailers', onTrailers);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.end(call.frame);
  }

  /** @internal the call's stream closed: resolve, reject, or retry on the next endpoint */
  finishUnary(call: UnaryCall, rstCode: number): void {
    const conn = call.conn!;
    conn.release();
    if (call.done) return;
    if (call.error && !call.headers) {
      if (!conn.connected && call.attempts < this.endpoints.length && !this.closed) {
        // never sent: try the next endpoint
        this.connectFailed(conn);
        call.reset();
        this.startUnary(call);
        return;
      }
      this.settle(call, new GrpcError(GrpcCode.UNAVAILABLE, `${conn.endpoint.origin}: ${(conn.failure ?? call.error).message}`, call.method));
      return;
    }
    const meta = call.trailers ?? call.headers;
    const status = meta ? statusFromMetadata(meta, call.method) : undefined;
    if (status) return this.settle(call, status);
    if (status === undefined) {
      const httpErr = call.headers && httpStatusError(call.headers[':status'], call.headers['content-type'], call.method);
      const why = httpErr?.details
        ?? (call.error ? call.error.message : rstCode !== http2.constants.NGHTTP2_NO_ERROR ? `stream reset with code ${rstCode}` : 'response ended without a grpc-status');
      return this.settle(call, new GrpcError(httpErr?.code ?? GrpcCode.UNAVAILABLE, `${conn.endpoint.origin}: ${why}`, call.method));
    }
    try {
      const body = call.rest ? Buffer.concat([call.first!, ...call.rest]) : call.first;
      this.settle(call, undefined, readSingleMessage(body, call.method));
    } catch (e) {
      this.settle(call, new GrpcError(GrpcCode.INTERNAL, (e as Error).message, call.method));
    }
  }

  private settle(call: UnaryCall, err: Error | undefined, message?: Buffer): void {
    if (call.done) return;
    call.done = true;
    this.pending.delete(call);
    if (err) call.reject(err);
    else call.resolve(message!);
  }

  private armSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  private sweep(): void {
    if (!this.pending.size) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = Date.now();
    for (const call of this.pending) {
      if (call.deadline > now) continue;
      const origin = call.conn?.endpoint.origin ?? 'etcd';
      this.settle(call, new GrpcError(GrpcCode.DEADLINE_EXCEEDED, `${origin}: no answer within ${this.callTimeoutMs} ms`, call.method));
      const stream = call.stream;
      if (stream && !stream.destroyed) {
        if (stream.pending) stream.destroy();
        else stream.close(http2.constants.NGHTTP2_CANCEL);
      }
      // is the peer still there? a session that does not answer a ping is dropped
      call.conn?.probe();
    }
  }

  /** a bidirectional stream; the first message is sent at once */
  openStream(method: string, first: Uint8Array, sink: GrpcStreamSink): GrpcStream {
    const stream = new GrpcBidiStream(this, method, first, {
      onMessage: (m) => sink.onMessage(m),
      onClose: (err) => {
        this.streams.delete(stream);
        sink.onClose(err);
      },
    }, () => this.streams.delete(stream));
    this.streams.add(stream);
    stream.start();
    return stream;
  }

  /** cancels the open streams, lets unary calls in flight finish (up to graceMs), closes the sessions */
  async close(graceMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams]) s.cancel();
    this.streams.clear();
    await Promise.all([...this.live].map((c) => c.close(graceMs)));
    this.live.clear();
    this.current = undefined;
    for (const call of [...this.pending]) {
      this.settle(call, new GrpcError(GrpcCode.UNAVAILABLE, 'the etcd client was closed during the call', call.method));
    }
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
