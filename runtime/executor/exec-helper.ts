// Runs `skiff-native exec PLANFILE` and collects what the process printed and how it ended.
// Setup errors (no such program, a namespace that cannot be joined) come back on fd 3 and are
// thrown; the process's own failures are its exit code.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { ExecOptions, ExecProcess, ExecResult, ExecStreamOptions } from './executor.js';
import { ExecutorError } from './executor-error.js';

export function runExecHelper(bin: string, planFile: string, opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(bin, ['exec', planFile], { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'], argv0: 'skiff-native' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let report = '';
    let timedOut = false;
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as Socket).on('data', (b: Buffer) => (report += b.toString()));
    if (opts.stdin && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin);
    }
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), opts.timeoutMs) : undefined;
    child.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new ExecutorError('Internal', `exec: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (report.startsWith('error ')) return reject(new ExecutorError('InvalidArgument', `exec: ${report.slice(6).trim()}`));
      const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 255);
      resolveResult({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode, timedOut });
    });
  });
}

/** starts the helper with its stdio as streams (CRI Exec, kubectl exec -it) */
export function startExecHelper(bin: string, planFile: string, opts: ExecStreamOptions): ExecProcess {
  const args = opts.tty ? ['exec', '--tty', planFile] : ['exec', planFile];
  const child = spawn(bin, args, { stdio: [opts.stdin || opts.tty ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'], argv0: 'skiff-native' });
  let report = '';
  const control = child.stdio[3] as Socket; // a socket: setup errors come back on it, terminal sizes go out
  control.on('data', (b: Buffer) => (report += b.toString()));
  control.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  const exit = new Promise<number>((resolveExit, reject) => {
    child.once('error', (e) => reject(new ExecutorError('Internal', `exec: ${e.message}`)));
    child.once('close', (code, signal) => {
      if (report.startsWith('error ')) return reject(new ExecutorError('InvalidArgument', `exec: ${report.slice(6).trim()}`));
      resolveExit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 255));
    });
  });
  exit.catch(() => undefined); // the caller may only look at it later
  return {
    stdin: child.stdin,
    stdout: child.stdout!,
    stderr: child.stderr!,
    exit,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    resize: opts.tty ? (cols, rows) => void (control.writable && control.write(`resize ${Math.trunc(cols)} ${Math.trunc(rows)}\n`)) : undefined,
  };
}
