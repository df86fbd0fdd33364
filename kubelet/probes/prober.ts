// Runs one probe once: exec through the CRI's ExecSync, httpGet from the node to the pod IP, or a
// TCP connect. Never throws: every problem is a failure with a message.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, Probe } from '../../api/types/core.js';
import type { RuntimeService } from '../cri/runtime-service.js';
import { httpStatusPasses, resolveProbePort, type ProbeResult } from './probe-state.js';

export interface ProbeTarget {
  containerId: string;
  container: Container;
  podIP: string;
}

export interface ProbeOutcome {
  result: ProbeResult;
  message: string;
}

export interface Prober {
  run(probe: Probe, target: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome>;
}

export class CriProber implements Prober {
  constructor(private readonly runtime: RuntimeService) {}

  async run(probe: Probe, target: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome> {
    try {
      if (probe.exec) return await this.exec(probe.exec.command ?? [], target, timeoutSeconds);
      if (probe.httpGet) {
        const port = resolveProbePort(probe.httpGet.port, target.container.ports);
        return await httpProbe(probe.httpGet.scheme ?? 'HTTP', probe.httpGet.host || target.podIP, port, probe.httpGet.path ?? '/', probe.httpGet.httpHeaders ?? [], timeoutSeconds);
      }
      if (probe.tcpSocket) {
        const port = resolveProbePort(probe.tcpSocket.port, target.container.ports);
        return await tcpProbe(probe.tcpSocket.host || target.podIP, port, timeoutSeconds);
      }
      return { result: 'failure', message: 'probe has no handler (exec, httpGet or tcpSocket)' };
    } catch (err) {
      return { result: 'failure', message: (err as Error).message };
    }
  }

  private async exec(cmd: string[], target: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome> {
    const r = await this.runtime.execSync(target.containerId, cmd, timeoutSeconds);
    if (r.exit_code === 0) return { result: 'success', message: '' };
    const out = Buffer.concat([Buffer.from(r.stdout ?? ''), Buffer.from(r.stderr ?? '')]).toString('utf8').trim();
    return { result: 'failure', message: `command ${JSON.stringify(cmd)} exited with ${r.exit_code}${out ? `: ${out}` : ''}` };
  }
}

function httpProbe(
  scheme: 'HTTP' | 'HTTPS',
  host: string,
  port: number,
  path: string,
  headers: { name: string; value: string }[],
  timeoutSeconds: number,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const mod = scheme === 'HTTPS' ? https : http;
    const req = mod.request(
      {
        host,
        port,
        path: path.startsWith('/') ? path : `/${path}`,
        method: 'GET',
        headers: { 'User-Agent': 'kube-probe/1.32', Accept: '*/*', ...Object.fromEntries(headers.map((h) => [h.name, h.value])) },
        timeout: timeoutSeconds * 1000,
        agent: false,
        ...(scheme === 'HTTPS' ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(httpStatusPasses(code) ? { result: 'success', message: '' } : { result: 'failure', message: `HTTP probe failed with statuscode: ${code}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Get "${scheme.toLowerCase()}://${host}:${port}${path}": context deadline exceeded`)));
    req.on('error', (err) => resolve({ result: 'failure', message: err.message }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ result: 'failure', message: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutSeconds * 1000);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ result: 'success', message: '' });
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      resolve({ result: 'failure', message: `dial tcp ${host}:${port}: ${err.message}` });
    });
  });
}
