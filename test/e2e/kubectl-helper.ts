// Runs the real kubectl binaries against a test apiserver: a fresh --cache-dir per call site, the
// server's kubeconfig, and manifests written to a temp dir.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  readonly dir: string;
  private readonly binary: string;

  constructor(readonly version: string, private readonly kubeconfig: string) {
    this.dir = mkdtempSync(path.join(tmpdir(), `skiff-test-kubectl-${version}-`));
    this.binary = path.join(KUBECTL_DIR, `kubectl.${version}`);
  }

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', path.join(this.dir, 'cache'), ...args];
  }

  run(...args: string[]): Promise<KubectlResult> {
    return new Promise((resolve) => {
      execFile(this.binary, this.args(args), { env: { ...process.env, HOME: this.dir }, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  spawn(...args: string[]): ChildProcess {
    return spawn(this.binary, this.args(args), { env: { ...process.env, HOME: this.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Writes a manifest into the temp dir and returns its path. */
  file(name: string, text: string): string {
    const p = path.join(this.dir, name);
    writeFileSync(p, text);
    return p;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function podYaml(name: string, image = 'nginx:1.25', labels: Record<string, string> = {}): string {
  const l = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('');
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${l ? `  labels:\n${l}` : ''}spec:
  containers:
  - name: ${name}
    image: ${image}
    ports:
    - containerPort: 80
`;
}

export function deploymentYaml(name: string, replicas: number, image = 'nginx:1.25'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: ${name}
        image: ${image}
`;
}

/** Collects a child's stdout from spawn on; waitFor resolves once a pattern matches the whole text. */
export class OutputCollector {
  text = '';
  private waiters: { re: RegExp; resolve: (s: string) => void }[] = [];

  constructor(child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => {
      this.text += c.toString();
      for (const w of [...this.waiters]) {
        if (w.re.test(this.text)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(this.text);
        }
      }
    });
  }

  waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
    if (re.test(this.text)) return Promise.resolve(this.text);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output so far:\n${this.text}`)), timeoutMs);
      this.waiters.push({ re, resolve: (s) => (clearTimeout(t), resolve(s)) });
    });
  }
}
