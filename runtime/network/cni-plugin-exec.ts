// Runs one CNI plugin binary: CNI_* environment, configuration on stdin, result or error JSON on
// stdout. The boundary is `CniPluginExec` so unit tests can script plugin behaviour.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { CniError, type CniCommand } from './cni-types.js';

export interface CniPluginCall {
  plugin: string; // the `type`
  command: CniCommand;
  containerId: string;
  netns: string;
  ifName: string;
  args: string; // CNI_ARGS
  stdin: Record<string, unknown>;
}

export interface CniPluginExec {
  /** resolves with the parsed stdout JSON (undefined when the plugin printed nothing) */
  run(call: CniPluginCall): Promise<unknown>;
  /** the plugin types that cannot be run (no executable in the bin dirs) */
  missing(types: string[]): string[];
}

export class BinaryPluginExec implements CniPluginExec {
  constructor(
    private readonly binDirs: string[],
    private readonly timeoutMs = 60_000,
  ) {}

  /** the plugin's executable, or undefined */
  private find(plugin: string): string | undefined {
    if (!/^[A-Za-z0-9._-]+$/.test(plugin)) return undefined;
    for (const dir of this.binDirs) {
      const p = join(dir, plugin);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // try the next dir
      }
    }
    return undefined;
  }

  missing(types: string[]): string[] {
    return types.filter((t) => this.find(t) === undefined);
  }

  run(call: CniPluginCall): Promise<unknown> {
    const bin = this.find(call.plugin);
    if (!bin) return Promise.reject(new CniError(call.plugin, call.command, undefined, `plugin binary not found in ${this.binDirs.join(':')}`));
    return new Promise((resolve, reject) => {
      const child = spawn(bin, [], {
        env: {
          PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
          CNI_COMMAND: call.command,
          CNI_CONTAINERID: call.containerId,
          CNI_NETNS: call.netns,
          CNI_IFNAME: call.ifName,
          CNI_PATH: this.binDirs.join(':'),
          CNI_ARGS: call.args,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new CniError(call.plugin, call.command, undefined, e.message));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8').trim();
        const stderr = Buffer.concat(err).toString('utf8').trim();
        let parsed: unknown;
        try {
          parsed = stdout ? JSON.parse(stdout) : undefined;
        } catch {
          parsed = undefined;
        }
        if (code === 0) {
          resolve(parsed);
          return;
        }
        const e = parsed as { code?: number; msg?: string; details?: string } | undefined;
        const msg = e?.msg
          ? `${e.msg}${e.details ? `: ${e.details}` : ''}`
          : stderr || stdout || (signal ? `killed by ${signal}` : `exit status ${code}`);
        reject(new CniError(call.plugin, call.command, e?.code, msg));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(call.stdin));
    });
  }
}
