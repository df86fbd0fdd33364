// A managed etcd child process: `/usr/bin/etcd` on free loopback ports with its data in a given
// directory, started, health-checked, and stopped. Used by `skiff apiserver` (no --etcd-servers) and
// by the test fixture.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';

export interface ManagedEtcd {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

export interface ManagedEtcdOptions {
  dataDir: string;
  binary?: string;
  /** member name; default `skiff` */
  name?: string;
  /** called with each line etcd writes to stderr (its log) */
  onLog?: (line: string) => void;
  /** how long to wait for /health; default 20 s */
  startTimeoutMs?: number;
}

/** A currently free TCP port on 127.0.0.1 (listen on 0, read the port, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** The flags of a single-member etcd on loopback; `skiff up` supervises etcd with the same flags. */
export function etcdArgs(o: { name: string; dataDir: string; clientPort: number; peerPort: number }): string[] {
  const endpoint = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  return [
    '--name', o.name,
    '--data-dir', o.dataDir,
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `${o.name}=${peer}`,
    '--initial-cluster-state', 'new',
    '--log-level', 'warn',
    '--logger', 'zap',
  ];
}

export async function startManagedEtcd(opts: ManagedEtcdOptions): Promise<ManagedEtcd> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const args = etcdArgs({ name: opts.name ?? 'skiff', dataDir: opts.dataDir, clientPort, peerPort });
  const child = spawn(opts.binary ?? '/usr/bin/etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    if (opts.onLog) for (const line of chunk.split('\n')) if (line.trim()) opts.onLog(line);
  });
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  // If this process exits without stop() (a crash), do not leave etcd behind.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitExit(child, 5000))) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
    }
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (;;) {
    if (spawnError) throw new Error(`etcd: cannot start ${opts.binary ?? '/usr/bin/etcd'}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited during start (code ${child.exitCode}, signal ${child.signalCode}): ${stderrTail.trim()}`);
    }
    if (await healthy(endpoint)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd at ${endpoint} not healthy after ${opts.startTimeoutMs ?? 20_000} ms: ${stderrTail.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, dataDir: opts.dataDir, pid: child.pid ?? 0, stop };
}
