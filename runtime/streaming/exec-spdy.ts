// Exec over SPDY/3.1 (the remote-command protocol kubectl before 1.29 speaks, and newer ones fall
// back to): the client opens one stream per channel, named by its `streamtype` header (error,
// stdin, stdout, stderr, resize). Once those the request asked for are there the command starts;
// its output goes to the stdout/stderr streams, the stdin stream's FIN ends its input, and at the
// end the Status (v4: JSON) is written to the error stream and the connection closes.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ExecProcess } from '../executor/executor.js';
import { exitStatus, failureStatus, type ExecStatus } from './channel-protocol.js';
import type { ExecSessionSpec, StartExec } from './exec-websocket.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';

/** the SPDY remote-command versions served, most preferred first (v5 adds nothing over SPDY) */
export const EXEC_SPDY_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** the first version in the client's X-Stream-Protocol-Version list that is served (pure) */
export function selectSpdyExecProtocol(header: string | undefined): string | undefined {
  const offered = String(header ?? '')
    .split(',')
    .map((s) => s.trim());
  return offered.find((p) => (EXEC_SPDY_PROTOCOLS as readonly string[]).includes(p));
}

/** the stream types the client opens for SPEC (pure) */
export function expectedStreams(spec: Pick<ExecSessionSpec, 'stdin' | 'stdout' | 'stderr' | 'tty'>): string[] {
  return ['error', ...(spec.stdin ? ['stdin'] : []), ...(spec.stdout ? ['stdout'] : []), ...(spec.stderr && !spec.tty ? ['stderr'] : []), ...(spec.tty ? ['resize'] : [])];
}

/** terminal sizes from a resize stream's bytes: consecutive JSON objects (pure) */
export function parseResizeStream(buf: string): { sizes: { width: number; height: number }[]; rest: string } {
  const sizes: { width: number; height: number }[] = [];
  let rest = buf;
  for (let end = rest.indexOf('}'); end >= 0; end = rest.indexOf('}')) {
    try {
      const v = JSON.parse(rest.slice(0, end + 1)) as { Width?: unknown; Height?: unknown };
      if (typeof v.Width === 'number' && typeof v.Height === 'number') sizes.push({ width: v.Width, height: v.Height });
    } catch {
      /* not one object: skip it */
    }
    rest = rest.slice(end + 1);
  }
  return { sizes, rest };
}

export const STREAM_WAIT_MS = 30_000;

export function serveExecSpdy(io: Duplex, spec: ExecSessionSpec, start: StartExec, log: Logger): SpdySession {
  const want = expectedStreams(spec);
  const streams = new Map<string, SpdyStream>();
  let session: SpdySession | undefined = undefined;
  const timer = setTimeout(() => session?.close(), STREAM_WAIT_MS);
  timer.unref();

  const finish = (status: ExecStatus): void => {
    const error = streams.get('error');
    for (const [type, s] of streams) if (type !== 'error' && !s.destroyed) s.end();
    if (error && !error.destroyed) error.end(JSON.stringify(status), () => setTimeout(() => session?.close(), 50));
    else session?.close();
  };

  const run = async (): Promise<void> => {
    clearTimeout(timer);
    let proc: ExecProcess;
    try {
      proc = await start(spec);
    } catch (e) {
      return finish(failureStatus(`error executing command in container: ${(e as Error).message}`));
    }
    const stdin = streams.get('stdin');
    if (stdin && proc.stdin) stdin.pipe(proc.stdin);
    const resize = streams.get('resize');
    let pending = '';
    resize?.on('data', (b: Buffer) => {
      const r = parseResizeStream(pending + b.toString());
      pending = r.rest;
      for (const s of r.sizes) proc.resize?.(s.width, s.height);
    });
    const out = streams.get('stdout');
    const err = streams.get('stderr');
    if (out) proc.stdout.pipe(out, { end: false });
    else proc.stdout.resume();
    if (err) proc.stderr.pipe(err, { end: false });
    else proc.stderr.resume();
    io.on('close', () => proc.kill());
    let status: ExecStatus;
    try {
      status = exitStatus(await proc.exit, spec.cmd);
    } catch (e) {
      status = failureStatus(`error executing command in container: ${(e as Error).message}`);
    }
    finish(status);
  };

  session = new SpdySession(
    io,
    (s) => {
      s.on('error', () => undefined);
      const type = s.headers.streamtype ?? '';
      void s.reply({}).then(() => {
        if (!want.includes(type) || streams.has(type)) {
          s.destroy();
          return;
        }
        streams.set(type, s);
        if (type === 'error' || type === 'stdout' || type === 'stderr') s.resume(); // nothing comes in on them but FIN
        if (want.every((t) => streams.has(t))) void run();
      });
    },
    (e) => log.info({ err: e.message, container: spec.containerId }, 'exec session ended with an error'),
  );
  return session;
}
