// Port-forward over SPDY (protocol portforward.k8s.io): for every forwarded connection the client
// opens an error stream and a data stream with the same `requestID` and `port` headers. Once both
// are there the server connects to the port inside the pod and splices it to the data stream; a
// failure is written to the error stream. When the pod side is done, both streams are ended.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import type { PortForwardSessionSpec } from './streaming-server.js';

/** a TCP connection to localhost:PORT in the sandbox's network namespace */
export type PortConnector = (sandboxId: string, port: number) => Promise<Duplex>;

/** a pair waits this long for its other stream */
export const PAIR_TIMEOUT_MS = 30_000;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** the port a stream names, or a message saying why it names none (pure) */
export function streamPort(headers: Record<string, string>, allowed: number[]): number | string {
  const raw = headers.port;
  const port = Number(raw);
  if (!raw || !Number.isInteger(port) || port < 1 || port > 65535) return `invalid port header ${JSON.stringify(raw ?? '')}: must be 1-65535`;
  if (allowed.length && !allowed.includes(port)) return `port ${port} was not requested (requested: ${allowed.join(', ')})`;
  return port;
}

async function forward(pair: Required<Omit<Pair, 'timer'>>, spec: PortForwardSessionSpec, connect: PortConnector, log: Logger): Promise<void> {
  const { error, data } = pair;
  const port = streamPort(data.headers, spec.ports);
  const fail = (message: string): void => {
    error.end(message);
    data.end();
  };
  if (typeof port === 'string') return fail(port);
  let conn: Duplex;
  try {
    conn = await connect(spec.sandboxId, port);
  } catch (e) {
    return fail(`error forwarding port ${port} to pod ${spec.sandboxId}: ${(e as Error).message}`);
  }
  log.debug({ sandbox: spec.sandboxId, port, request: data.headers.requestid }, 'port-forward connection');
  let finished = false;
  const done = (): void => {
    if (finished) return;
    finished = true;
    conn.destroy();
    if (!data.destroyed) data.end();
    if (!error.destroyed) error.end();
  };
  conn.on('error', done);
  conn.on('end', done);
  conn.on('close', done);
  data.on('error', () => conn.destroy());
  data.on('close', () => conn.destroy());
  data.pipe(conn);
  conn.pipe(data, { end: false });
}

/** runs one port-forward session: SPDY over IO */
export function servePortForwardSpdy(io: Duplex, spec: PortForwardSessionSpec, connect: PortConnector, log: Logger): SpdySession {
  const pairs = new Map<string, Pair>();
  const onStream = (s: SpdyStream): void => {
    s.on('error', () => undefined);
    void s.reply({}).then(() => {
      const type = s.headers.streamtype;
      const key = s.headers.requestid ?? s.headers.port ?? '';
      if (type !== 'error' && type !== 'data') {
        s.destroy();
        return;
      }
      let pair = pairs.get(key);
      if (!pair) {
        const timer = setTimeout(() => {
          pairs.delete(key);
          pair?.error?.destroy();
          pair?.data?.destroy();
        }, PAIR_TIMEOUT_MS);
        timer.unref();
        pair = { timer };
        pairs.set(key, pair);
      }
      if (pair[type]) {
        s.destroy(); // a second stream of the same type for one request
        return;
      }
      pair[type] = s;
      if (type === 'error') s.resume(); // the client sends nothing on it but its FIN
      if (pair.error && pair.data) {
        clearTimeout(pair.timer);
        pairs.delete(key);
        void forward({ error: pair.error, data: pair.data }, spec, connect, log);
      }
    });
  };
  return new SpdySession(io, onStream, (e) => log.info({ err: e.message, sandbox: spec.sandboxId }, 'port-forward session ended with an error'));
}
