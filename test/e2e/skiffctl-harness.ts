// Runs skiffctl in process and the real kubectl 1.32 as a child against the same test apiserver,
// so e2e tests can compare their output. Ages (which differ by when each ran) are masked.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../cli/skiffctl.js';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SkiffctlHarness {
  srv: TestApiServer;
  kubeconfig: string;
  skiffctl(args: string[], stdin?: string): Promise<RunResult>;
  kubectl(args: string[], stdin?: string): Promise<RunResult>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<SkiffctlHarness> {
  const srv = await startTestApiServer();
  const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-kubectl-cache-'));
  const kubeconfig = srv.kubeconfigPath;
  return {
    srv,
    kubeconfig,
    async skiffctl(args, stdin = '') {
      let stdout = '';
      let stderr = '';
      const code = await main(['--kubeconfig', kubeconfig, ...args], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        stdin: Readable.from([stdin]),
      });
      return { code, stdout, stderr };
    },
    kubectl(args, stdin) {
      return new Promise((resolve) => {
        const child = execFile(
          KUBECTL,
          ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
          { timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig } },
          (err, stdout, stderr) => {
            const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        if (stdin !== undefined) child.stdin?.end(stdin);
      });
    },
    async stop() {
      rmSync(cacheDir, { recursive: true, force: true });
      await srv.stop();
    },
  };
}

/** Masks durations (AGE cells, `5m ago`) so outputs taken seconds apart compare equal. */
export function maskAges(s: string): string {
  return s.replace(/\b\d+(?:y\d*d?|d\d*h?|h\d*m?|m\d*s?|s)\b/g, '<age>').replace(/<age>( +)/g, (_m, sp: string) => `<age>${' '.repeat(Math.max(1, sp.length))}`);
}

/** Column-aligned output with ages masked and runs of spaces collapsed (age widths differ). */
export function normalizeTable(s: string): string {
  return maskAges(s)
    .split('\n')
    .map((l) => l.replace(/ {2,}/g, '  ').trimEnd())
    .join('\n');
}
