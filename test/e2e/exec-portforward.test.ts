// kubectl exec and kubectl port-forward (1.32 and 1.33, plus 1.28 for the plain SPDY upgrade) and
// skiffctl exec on a real `skiff up` cluster: apiserver -> kubelet -> the runtime's streaming
// server -> a process in the container / a connection inside the pod's network namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SKIFFCTL, startSkiffUp, type SkiffUp } from '../fixtures/skiff-up.js';

const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 8080 -h /www"]
  - name: side
    image: busybox
    command: ["sleep", "3600"]
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dataDir = '';
let up: SkiffUp | undefined;
const children: ChildProcess[] = [];

function kubectl(version: string, args: string[], input?: string): Run {
  const r = spawnSync(join(KUBECTL_DIR, `kubectl.${version}`), ['--kubeconfig', up!.kubeconfig, '--cache-dir', join(dataDir, `kubectl-cache-${version}`), ...args], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function skiffctl(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [SKIFFCTL, '--kubeconfig', up!.kubeconfig, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function fetchText(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** starts `kubectl port-forward pod/web :REMOTE` and resolves with the local port it picked */
function portForward(version: string, remote: number): Promise<{ port: number; child: ChildProcess; output: () => string }> {
  const child = spawn(join(KUBECTL_DIR, `kubectl.${version}`), ['--kubeconfig', up!.kubeconfig, '--cache-dir', join(dataDir, `kubectl-cache-${version}`), 'port-forward', '--address', '127.0.0.1', 'pod/web', `:${remote}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${out}`)), 30_000);
    const check = (): void => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited (${code}): ${out}`));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-exec-pf-'));
  up = await startSkiffUp(dataDir);
  const apply = kubectl('1.32', ['apply', '-f', '-'], POD);
  expect(apply.code, apply.stderr).toBe(0);
  const wait = kubectl('1.32', ['wait', '--for=condition=Ready', 'pod/web', '--timeout=120s']);
  expect(wait.code, wait.stderr).toBe(0);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (up) {
    kubectl('1.32', ['delete', 'pod', 'web', '--grace-period=1', '--wait=true']);
    await up.stop();
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('kubectl exec', () => {
  // 1.32 and 1.33 speak WebSocket (v5.channel.k8s.io); 1.28 only SPDY/3.1
  for (const version of ['1.32', '1.33', '1.28']) {
    it(`${version}: prints the command's stdout and stderr and exits with its code`, () => {
      const r = kubectl(version, ['exec', 'web', '-c', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(r.stdout).toBe('out\n');
      expect(r.stderr).toContain('err\n');
      expect(r.stderr).toContain('command terminated with exit code 3');
      expect(r.code).toBe(3);
    });
  }

  for (const version of ['1.32', '1.28']) {
    it(`${version}: forwards stdin with -i and ends it when kubectl's input ends`, () => {
      const r = kubectl(version, ['exec', '-i', 'web', '-c', 'side', '--', 'sh', '-c', 'wc -l; echo done'], 'a\nb\nc\n');
      expect(r.stdout.replace(/ +/g, '')).toBe('3\ndone\n');
      expect(r.code).toBe(0);
    });
  }

  it('carries binary stdin and stdout: kubectl cp there and back', () => {
    const src = join(dataDir, 'payload.bin');
    const back = join(dataDir, 'payload-back.bin');
    const payload = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 7919) % 256));
    writeFileSync(src, payload);
    const up = kubectl('1.32', ['cp', '-c', 'side', src, 'web:/tmp/payload.bin']);
    expect(up.code, up.stderr).toBe(0);
    const down = kubectl('1.32', ['cp', '-c', 'side', 'web:/tmp/payload.bin', back]);
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(back).equals(payload)).toBe(true);
  });

  it('runs in the container named, in the pod`s network namespace', () => {
    const r = kubectl('1.32', ['exec', 'web', '-c', 'side', '--', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/']);
    expect(r.stdout).toBe('hello-from-pod\n');
  });

  it('reports a command that cannot start, an unknown container and an unknown pod', () => {
    const missing = kubectl('1.32', ['exec', 'web', '-c', 'web', '--', 'no-such-command']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no-such-command');
    const badContainer = kubectl('1.32', ['exec', 'web', '-c', 'nope', '--', 'true']);
    expect(badContainer.stderr).toContain('container nope is not valid for pod web');
    const badPod = kubectl('1.32', ['exec', 'nopod', '--', 'true']);
    expect(badPod.stderr).toContain('pods "nopod" not found');
  });

  it('refuses exec to a node`s credentials (it needs write access to the pod), which may still read it', async () => {
    const tokensFile = join(dataDir, 'tokens.json');
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, unknown>;
    const nodeToken = 'skiff-e2e-node-token-0123456789';
    tokens[nodeToken] = { user: 'system:node:somewhere', uid: 'skiff-e2e-node', groups: ['system:nodes', 'system:authenticated'] };
    writeFileSync(tokensFile, JSON.stringify(tokens));
    await new Promise((r) => setTimeout(r, 1200));
    const asNode = kubectl('1.32', ['--token', nodeToken, 'exec', 'web', '-c', 'web', '--', 'true']);
    expect(asNode.code).not.toBe(0);
    expect(asNode.stderr).toMatch(/Forbidden|forbidden/);
    const read = kubectl('1.32', ['--token', nodeToken, 'get', 'pod', 'web', '-o', 'name']);
    expect(read.stdout.trim()).toBe('pod/web');
  });

  it('refuses an exec without credentials', async () => {
    const server = /server: (\S+)/.exec(readFileSync(up!.kubeconfig, 'utf8'))![1]!;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${server.replace('https:', 'wss:')}/api/v1/namespaces/default/pods/web/exec?command=true&container=web&stdout=true`, ['v5.channel.k8s.io'], { rejectUnauthorized: false });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgraded without a token')));
      ws.on('error', reject);
    });
    expect(status).toBe(401);
  });
});

/** runs COMMAND under script(1), so that it has a 100x30 terminal, typing LINE into it after 2 s */
function inTerminal(command: string, line: string): Run {
  const typed = `(sleep 2; printf '%s\\n' '${line}'; sleep 4)`;
  const r = spawnSync('sh', ['-c', `${typed} | script -qfec "stty cols 100 rows 30; ${command}" /dev/null`], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

describe('exec -t', () => {
  const shell = 'tty; stty size; exit 5';
  it('kubectl exec -it: a terminal in the container with the local size', () => {
    const kc = join(KUBECTL_DIR, 'kubectl.1.32');
    const r = inTerminal(`${kc} --kubeconfig ${up!.kubeconfig} --cache-dir ${join(dataDir, 'kubectl-cache-tty')} exec -it web -c web -- sh`, shell);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toContain('30 100');
    expect(r.code).toBe(5);
  });

  it('skiffctl exec -it: the same', () => {
    const r = inTerminal(`${process.execPath} ${SKIFFCTL} --kubeconfig ${up!.kubeconfig} exec -it web -c web -- sh`, shell);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toContain('30 100');
    expect(r.code).toBe(5);
  });
});

describe('skiffctl exec', () => {
  it('prints stdout and stderr and exits with the remote exit code', () => {
    const r = skiffctl(['exec', 'web', '-c', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err\n');
    expect(r.code).toBe(4);
  });

  it('defaults to the first container and forwards stdin with -i', () => {
    const r = skiffctl(['exec', '-i', 'web', '--', 'sh', '-c', 'cat; hostname'], 'piped\n');
    expect(r.stdout).toBe('piped\nweb\n');
    expect(r.code).toBe(0);
  });
});

describe('kubectl port-forward', () => {
  // 1.32 and 1.33 tunnel SPDY in a WebSocket (SPDY/3.1+portforward.k8s.io); 1.28 upgrades to SPDY/3.1
  for (const [version, transport] of [['1.32', 'websocket'], ['1.33', 'websocket'], ['1.28', 'spdy']] as const) {
    it(`${version}: a local port reaches the pod's port 8080 (${transport})`, async () => {
      const runtimeLog = join(dataDir, 'logs', 'runtime.log');
      const sessions = (): number => readFileSync(runtimeLog, 'utf8').split('\n').filter((l) => l.includes('"port-forward session"') && l.includes(`"transport":"${transport}"`)).length;
      const before = sessions();
      const pf = await portForward(version, 8080);
      try {
        expect(await fetchText(pf.port)).toBe('hello-from-pod\n');
        expect(await fetchText(pf.port)).toBe('hello-from-pod\n');
        expect(sessions()).toBeGreaterThan(before);
      } finally {
        pf.child.kill('SIGTERM');
      }
    });
  }

  it('carries what the local side sends, and its end, to the pod', async () => {
    const receiver = spawn(join(KUBECTL_DIR, 'kubectl.1.32'), ['--kubeconfig', up!.kubeconfig, '--cache-dir', join(dataDir, 'kubectl-cache-1.32'), 'exec', 'web', '-c', 'side', '--', 'sh', '-c', 'sleep 60 | nc -l -p 9002 | wc -c > /tmp/received'], { stdio: 'ignore' });
    children.push(receiver);
    await new Promise((r) => setTimeout(r, 2000));
    const pf = await portForward('1.32', 9002);
    try {
      await new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: pf.port }, () => s.end(Buffer.alloc(1_500_000, 'y')));
        s.on('error', reject);
        s.on('close', () => resolve());
        s.resume();
      });
      let got = '';
      for (let i = 0; i < 50 && got !== '1500000'; i++) {
        got = kubectl('1.32', ['exec', 'web', '-c', 'side', '--', 'cat', '/tmp/received']).stdout.trim();
        if (got !== '1500000') await new Promise((r) => setTimeout(r, 200));
      }
      expect(got).toBe('1500000');
    } finally {
      pf.child.kill('SIGTERM');
      receiver.kill('SIGTERM');
    }
  });

  it('carries several megabytes intact', async () => {
    const mk = kubectl('1.32', ['exec', 'web', '-c', 'web', '--', 'sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x > /www/big && wc -c < /www/big']);
    expect(mk.stdout.trim()).toBe('3000000');
    const pf = await portForward('1.32', 8080);
    try {
      const body = await fetchText(pf.port, '/big');
      expect(body.length).toBe(3_000_000);
      expect(body.replace(/x/g, '')).toBe('');
    } finally {
      pf.child.kill('SIGTERM');
    }
  });

  it('reports a port nothing listens on', async () => {
    const pf = await portForward('1.32', 9);
    try {
      await expect(fetchText(pf.port)).rejects.toThrow();
      for (let i = 0; i < 50 && !/error forwarding port 9/.test(pf.output()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(pf.output()).toMatch(/error forwarding port 9 to pod/);
    } finally {
      pf.child.kill('SIGTERM');
    }
  });
});
