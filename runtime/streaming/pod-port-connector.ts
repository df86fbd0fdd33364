// Connects to localhost:PORT inside a pod: host-network pods directly, the others through the
// native helper's `connect` mode, which joins the sandbox's pinned network namespace and relays
// the connection over its stdin/stdout.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { SandboxManager } from '../sandbox/sandbox-manager.js';
import type { PortConnector } from './port-forward.js';

function connectHost(port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

function connectInNetns(nativeBin: string, netns: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const child = spawn(nativeBin, ['connect', netns, String(port)], { stdio: ['pipe', 'pipe', 'ignore', 'pipe'], argv0: 'skiff-native' });
    let report = '';
    const report$ = child.stdio[3] as net.Socket;
    child.once('error', (e) => reject(new Error(`start the native helper: ${e.message}`)));
    child.once('exit', () => reject(new Error(report.startsWith('error ') ? report.slice(6).trim() : 'the native helper exited before connecting')));
    report$.on('data', (b: Buffer) => {
      report += b.toString();
      if (report.startsWith('connected\n')) {
        const conn = Duplex.from({ readable: child.stdout!, writable: child.stdin! });
        conn.on('close', () => {
          if (child.exitCode === null) child.kill('SIGKILL');
        });
        child.stdin!.on('error', () => undefined);
        resolve(conn);
      }
    });
  });
}

export function podPortConnector(sandboxes: SandboxManager, nativeBin: string): PortConnector {
  return async (sandboxId, port) => {
    const rec = sandboxes.get(sandboxId);
    if (rec.hostNetwork || !rec.netnsPath) return connectHost(port);
    return connectInNetns(nativeBin, rec.netnsPath, port);
  };
}
