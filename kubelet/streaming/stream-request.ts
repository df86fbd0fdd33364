// Pure: the kubelet's streaming paths and their queries, as the apiserver sends them:
//   /exec/{namespace}/{pod}/{container}?command=..&command=..&stdin=&stdout=&stderr=&tty=
//   /portForward/{namespace}/{pod}[?port=N...]
import type { CriExecRequest } from '../cri/runtime-service.js';

export class StreamRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export type StreamRequest =
  | { kind: 'exec'; namespace: string; pod: string; container: string; exec: Omit<CriExecRequest, 'container_id'> }
  | { kind: 'portForward'; namespace: string; pod: string; ports: number[] };

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  if (['true', '1', ''].includes(v)) return true;
  if (['false', '0'].includes(v)) return false;
  throw new StreamRequestError(400, `${name}: must be true or false, got ${JSON.stringify(v)}`);
}

/** the request for PATH and QUERY, undefined when PATH is not a streaming path */
export function parseStreamRequest(path: string, q: URLSearchParams): StreamRequest | undefined {
  const exec = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (exec) {
    const cmd = q.getAll('command');
    if (cmd.length === 0) throw new StreamRequestError(400, 'command: Required value: you must specify at least 1 command');
    const stdin = flag(q, 'input') || flag(q, 'stdin');
    const stdout = flag(q, 'output') || flag(q, 'stdout');
    const stderr = flag(q, 'error') || flag(q, 'stderr');
    const tty = flag(q, 'tty');
    if (!stdin && !stdout && !stderr) throw new StreamRequestError(400, 'you must specify at least 1 of stdin, stdout, stderr');
    if (tty && stderr) throw new StreamRequestError(400, 'tty and stderr cannot both be true');
    return {
      kind: 'exec',
      namespace: decodeURIComponent(exec[1]!),
      pod: decodeURIComponent(exec[2]!),
      container: decodeURIComponent(exec[3]!),
      exec: { cmd, stdin, stdout, stderr, tty },
    };
  }
  const pf = /^\/portForward\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (pf) {
    const ports = q.getAll('port').map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StreamRequestError(400, `port: invalid value ${JSON.stringify(p)}: must be 1-65535`);
      return n;
    });
    return { kind: 'portForward', namespace: decodeURIComponent(pf[1]!), pod: decodeURIComponent(pf[2]!), ports };
  }
  return undefined;
}
