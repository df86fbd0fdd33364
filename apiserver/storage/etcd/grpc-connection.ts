// One HTTP/2 session to one etcd endpoint: dialled with a connect timeout, referenced (keeping the
// process alive) only while calls or streams use it, pinged to find a peer that stopped answering.
import { readFileSync } from 'node:fs';
import http2, { type ClientHttp2Session, type OutgoingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';
import tls from 'node:tls';
import type { EtcdEndpoint } from './etcd-endpoints.js';

/** TLS material for https:// endpoints (PEM); without `ca`, Node's and the system's roots are trusted */
export interface EtcdTlsOptions {
  ca?: string | Buffer;
  /** a client certificate and its key, for etcd's --client-cert-auth */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface ConnectionOptions {
  connectTimeoutMs: number;
  tls?: EtcdTlsOptions;
  /** how often a session with open streams is pinged, and how long an answer may take */
  keepaliveIntervalMs: number;
  keepaliveTimeoutMs: number;
}

/** per-stream and per-session receive windows: large lists arrive without waiting on WINDOW_UPDATEs */
const STREAM_WINDOW = 4 * 1024 * 1024;
const SESSION_WINDOW = 32 * 1024 * 1024;

let systemCas: string[] | undefined;

/** Node's bundled roots plus the system bundle (Debian's ca-certificates), read once */
function trustedCas(): string[] {
  if (!systemCas) {
    systemCas = [...tls.rootCertificates];
    try {
      systemCas.push(readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8'));
    } catch {
      // no system bundle: Node's roots (and NODE_EXTRA_CA_CERTS) only
    }
  }
  return systemCas;
}

/** What opens calls on the current session; the streams and calls retry through it. */
export interface ConnectionSource {
  /** the session for the current endpoint, dialled if needed */
  connection(): GrpcConnection;
  /** a call on conn failed before the session connected: move on to the next endpoint */
  connectFailed(conn: GrpcConnection): void;
  /** how many endpoints there are (a call is tried at most once on each) */
  readonly endpointCount: number;
  /** the request headers of a call (unary: with its deadline as grpc-timeout) */
  headersFor(method: string, unary: boolean): OutgoingHttpHeaders;
}

export class GrpcConnection {
  readonly session: ClientHttp2Session;
  /** the HTTP/2 handshake completed */
  connected = false;
  /** why the session ended, once it has */
  failure?: Error;
  /** the peer stopped answering pings (the session was dropped for it) */
  hung = false;
  private active = 0;
  /** open long-lived streams: the session is pinged while there are any */
  private streams = 0;
  private connectTimer?: NodeJS.Timeout;
  private keepaliveTimer?: NodeJS.Timeout;
  private pinging = false;

  constructor(
    readonly endpoint: EtcdEndpoint,
    private readonly opts: ConnectionOptions,
    /** called once when the session is gone (closed, failed, or timed out) */
    private readonly onGone: (conn: GrpcConnection) => void,
  ) {
    const options: SecureClientSessionOptions = {
      maxSessionMemory: 64,
      settings: { enablePush: false, initialWindowSize: STREAM_WINDOW },
    };
    if (endpoint.secure) {
      options.ca = opts.tls?.ca ?? trustedCas();
      if (opts.tls?.cert) options.cert = opts.tls.cert;
      if (opts.tls?.key) options.key = opts.tls.key;
    }
    this.session = http2.connect(endpoint.origin, options);
    this.session.unref();
    this.connectTimer = setTimeout(() => {
      this.destroy(new Error(`connect to ${endpoint.origin}: no HTTP/2 session after ${opts.connectTimeoutMs} ms`));
    }, opts.connectTimeoutMs);
    this.connectTimer.unref();
    this.session.once('connect', () => {
      clearTimeout(this.connectTimer);
      this.connected = true;
      try {
        this.session.setLocalWindowSize(SESSION_WINDOW);
      } catch {
        // the session may already be closing; the window is only an optimisation
      }
    });
    this.session.on('error', (e: Error) => {
      this.failure ??= e;
    });
    this.session.once('close', () => {
      clearTimeout(this.connectTimer);
      this.stopKeepalive();
      this.failure ??= new Error(`connection to ${endpoint.origin} closed`);
      this.onGone(this);
    });
    this.session.on('goaway', () => {
      // the server is going away: calls in flight finish here, new calls open a new session
      this.failure ??= new Error(`${endpoint.origin} sent GOAWAY`);
    });
  }

  /** usable for a new call */
  get usable(): boolean {
    return this.failure === undefined && !this.session.closed && !this.session.destroyed;
  }

  /** a call or stream starts using the session: keep the process alive while any does */
  acquire(stream = false): void {
    if (this.active++ === 0) this.session.ref();
    if (stream && this.streams++ === 0) this.startKeepalive();
  }

  release(stream = false): void {
    if (--this.active === 0 && !this.session.destroyed) this.session.unref();
    if (stream && --this.streams === 0) this.stopKeepalive();
  }

  /**
   * Pings the peer; when no answer comes within the keepalive timeout the session is destroyed (its
   * calls fail, and the next call dials again, the next endpoint first). Used after a call's deadline
   * passed and periodically while streams are open.
   */
  probe(): void {
    if (this.pinging || !this.connected || !this.usable) return;
    this.pinging = true;
    const timer = setTimeout(() => {
      this.hung = true;
      this.destroy(new Error(`${this.endpoint.origin} did not answer a ping within ${this.opts.keepaliveTimeoutMs} ms`));
    }, this.opts.keepaliveTimeoutMs);
    timer.unref();
    const sent = this.session.ping((err) => {
      clearTimeout(timer);
      this.pinging = false;
      if (err && this.usable) this.destroy(err);
    });
    if (!sent) {
      clearTimeout(timer);
      this.pinging = false;
    }
  }

  destroy(err?: Error): void {
    if (err) this.failure ??= err;
    if (!this.session.destroyed) this.session.destroy();
  }

  /** closes after the open calls finish; destroys the session if that takes longer than graceMs */
  async close(graceMs: number): Promise<void> {
    this.failure ??= new Error('client closed');
    if (this.session.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.session.destroy();
        resolve();
      }, graceMs);
      timer.unref();
      this.session.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private startKeepalive(): void {
    if (this.keepaliveTimer || this.opts.keepaliveIntervalMs <= 0) return;
    this.keepaliveTimer = setInterval(() => this.probe(), this.opts.keepaliveIntervalMs);
    this.keepaliveTimer.unref();
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }
}
