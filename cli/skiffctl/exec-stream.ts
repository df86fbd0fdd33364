// The client side of pods/exec: a WebSocket to the apiserver with subprotocol v5.channel.k8s.io
// (v4 accepted). Channel 1 and 2 go to stdout and stderr, stdin goes out on channel 0 (v5: its
// end as a channel-close message), the local terminal's size goes out on channel 4 (-t), and the
// Status on channel 3 gives the exit code.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { WebSocket } from 'ws';
import type { ClientConfig } from '../../client/types.js';
import type { Output } from './io.js';

/** the local terminal of an `exec -t`: its size now and when it changes */
export interface TerminalSize {
  size(): { width: number; height: number };
  /** calls FN on every change; returns the unsubscribe */
  onResize(fn: () => void): () => void;
}

export interface ExecStreamOptions {
  config: ClientConfig;
  terminal?: TerminalSize;
  /** the pods/exec path with its query */
  path: string;
  stdin?: Readable;
  stdout: Output;
  stderr: Output;
}

interface RemoteStatus {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** what the Status on the error channel means: the exit code, and a message for a failure that is not one (pure) */
export function execOutcome(s: RemoteStatus): { exitCode: number; error?: string } {
  if (s.status === 'Success') return { exitCode: 0 };
  if (s.reason === 'NonZeroExitCode') {
    const c = s.details?.causes?.find((x) => x.reason === 'ExitCode');
    const n = Number(c?.message);
    if (Number.isInteger(n) && n > 0) return { exitCode: n };
  }
  return { exitCode: 1, error: s.message ?? 'the command failed' };
}

export class ExecRefusedError extends Error {}

export function runExecStream(o: ExecStreamOptions): Promise<{ exitCode: number; error?: string }> {
  const url = new URL(o.path, o.config.server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
    headers: { ...(o.config.token ? { Authorization: `Bearer ${o.config.token}` } : {}), 'User-Agent': o.config.userAgent ?? 'skiffctl' },
    ca: o.config.caData,
    rejectUnauthorized: !o.config.insecureSkipTLSVerify,
    perMessageDeflate: false,
  });
  const out = new StringDecoder('utf8');
  const err = new StringDecoder('utf8');
  return new Promise((resolve, reject) => {
    let outcome: { exitCode: number; error?: string } | undefined;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => {
        let s: RemoteStatus = {};
        try {
          s = JSON.parse(body) as RemoteStatus;
        } catch {
          /* not a Status */
        }
        reject(new ExecRefusedError(`Error from server (${s.reason ?? res.statusCode}): ${s.message ?? (body.trim() || `status ${res.statusCode}`)}`));
      });
    });
    ws.on('error', (e) => reject(e));
    let stopResize: (() => void) | undefined;
    ws.on('open', () => {
      const term = o.terminal;
      if (term) {
        const sendSize = (): void => {
          const { width, height } = term.size();
          if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.of(4), Buffer.from(JSON.stringify({ Width: width, Height: height }))]));
        };
        sendSize();
        stopResize = term.onResize(sendSize);
      }
      if (!o.stdin) return;
      o.stdin.on('data', (b: Buffer) => ws.send(Buffer.concat([Buffer.of(0), b])));
      o.stdin.on('end', () => {
        if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.of(255, 0));
      });
    });
    ws.on('message', (m: Buffer) => {
      if (m.length === 0) return;
      const data = m.subarray(1);
      if (m[0] === 1) o.stdout.write(out.write(data));
      else if (m[0] === 2) o.stderr.write(err.write(data));
      else if (m[0] === 3 && data.length) {
        try {
          outcome = execOutcome(JSON.parse(data.toString()) as RemoteStatus);
        } catch {
          outcome = { exitCode: 1, error: data.toString() };
        }
      }
    });
    ws.on('close', () => {
      stopResize?.();
      o.stdin?.pause();
      o.stdout.write(out.end());
      o.stderr.write(err.end());
      resolve(outcome ?? { exitCode: 1, error: 'the connection closed before the command finished' });
    });
  });
}
