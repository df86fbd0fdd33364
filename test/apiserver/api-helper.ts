// Small HTTP helpers for the apiserver integration tests: JSON requests over the plain admin
// listener or over HTTPS with a token, and a watch reader.
import https from 'node:https';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOpts {
  method?: string;
  body?: unknown;
  /** raw body text/bytes instead of JSON */
  raw?: string | Buffer;
  contentType?: string | null;
  accept?: string;
  token?: string;
  ca?: string;
}

export async function request(base: string, path: string, o: RequestOpts = {}): Promise<Reply> {
  const url = new URL(path, base);
  const payload = o.raw !== undefined ? o.raw : o.body !== undefined ? JSON.stringify(o.body) : undefined;
  const headers: Record<string, string> = {};
  if (payload !== undefined && o.contentType !== null) headers['Content-Type'] = o.contentType ?? 'application/json';
  if (o.accept) headers.Accept = o.accept;
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  const mod = url.protocol === 'https:' ? https : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method: o.method ?? 'GET', headers, ca: o.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface WatchReader {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  events: any[];
  status: number;
  /** resolves when at least n events arrived (rejects after timeoutMs) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  waitFor(n: number, timeoutMs?: number): Promise<any[]>;
  ended: Promise<void>;
  stop(): void;
}

export async function watch(base: string, path: string, o: RequestOpts = {}): Promise<WatchReader> {
  const url = new URL(path, base);
  const mod = url.protocol === 'https:' ? https : await import('node:http');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (o.accept) headers.Accept = o.accept;
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    const req = mod.request(url, { method: 'GET', headers, ca: o.ca }, (res) => {
      const events: unknown[] = [];
      let buf = '';
      const waiters: { n: number; resolve: () => void }[] = [];
      const wake = (): void => {
        for (const w of [...waiters]) if (events.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      };
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
        wake();
      });
      resolve({
        events: events as never[],
        status: res.statusCode ?? 0,
        ended,
        stop: () => req.destroy(),
        waitFor: (n, timeoutMs = 10_000) =>
          new Promise((res2, rej2) => {
            if (events.length >= n) return res2(events);
            const t = setTimeout(() => rej2(new Error(`timed out waiting for ${n} events; got ${JSON.stringify(events)}`)), timeoutMs);
            waiters.push({ n, resolve: () => (clearTimeout(t), res2(events)) });
          }),
      });
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end();
  });
}

export function pod(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...((extra.metadata as object) ?? {}) },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...((extra.spec as object) ?? {}) },
  };
}

export function deployment(name: string, replicas = 1): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  };
}
