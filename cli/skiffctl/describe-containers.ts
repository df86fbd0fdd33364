// kubectl describe's container blocks, for pods (with their statuses) and for pod templates.
import type { Container, ContainerState, ContainerStatus, Probe } from '../../api/types/core.js';
import { rfc1123z } from './describe-time.js';
import type { DescribeWriter } from './describe-writer.js';

function ports(c: Container, host: boolean): string {
  return (c.ports ?? []).map((p) => `${host ? (p.hostPort ?? 0) : p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
}

export function probeText(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const g = p.httpGet;
    return `http-get ${(g.scheme ?? 'HTTP').toLowerCase()}://${g.host ?? ''}:${g.port}${g.path ?? ''} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`;
  return `unknown ${attrs}`;
}

function writeState(w: DescribeWriter, title: string, s: ContainerState | undefined): void {
  if (s?.running) {
    w.line(2, `${title}:`, 'Running');
    w.line(3, 'Started:', rfc1123z(s.running.startedAt));
  } else if (s?.terminated) {
    const t = s.terminated;
    w.line(2, `${title}:`, 'Terminated');
    if (t.reason) w.line(3, 'Reason:', t.reason);
    if (t.message) w.line(3, 'Message:', t.message);
    w.line(3, 'Exit Code:', String(t.exitCode));
    if (t.signal) w.line(3, 'Signal:', String(t.signal));
    w.line(3, 'Started:', rfc1123z(t.startedAt));
    w.line(3, 'Finished:', rfc1123z(t.finishedAt));
  } else {
    w.line(2, `${title}:`, 'Waiting');
    if (s?.waiting?.reason) w.line(3, 'Reason:', s.waiting.reason);
  }
}

/**
 * `Containers:` (at `level`: 0 for a pod, 1 for a template) and each container; a template's
 * container names get kubectl's extra space (`   web:`).
 */
export function writeContainers(w: DescribeWriter, level: number, title: string, containers: Container[], statuses: ContainerStatus[] | undefined): void {
  w.line(level, `${title}:`);
  for (const c of containers) {
    const st = statuses?.find((s) => s.name === c.name);
    w.line(1, `${level > 0 ? ' ' : ''}${c.name}:`);
    if (st) w.line(2, 'Container ID:', st.containerID ?? '');
    w.line(2, 'Image:', c.image ?? '');
    if (st) w.line(2, 'Image ID:', st.imageID ?? '');
    const p = ports(c, false);
    const hp = ports(c, true);
    w.line(2, p.includes(',') ? 'Ports:' : 'Port:', p || '<none>');
    w.line(2, hp.includes(',') ? 'Host Ports:' : 'Host Port:', hp || '<none>');
    if (c.command?.length) {
      w.line(2, 'Command:');
      for (const x of c.command) w.line(3, x);
    }
    if (c.args?.length) {
      w.line(2, 'Args:');
      for (const x of c.args) w.line(3, x);
    }
    if (st) {
      writeState(w, 'State', st.state);
      if (st.lastState?.terminated) writeState(w, 'Last State', st.lastState);
      w.line(2, 'Ready:', st.ready ? 'True' : 'False');
      w.line(2, 'Restart Count:', String(st.restartCount ?? 0));
    }
    for (const [t, list] of [
      ['Limits', c.resources?.limits],
      ['Requests', c.resources?.requests],
    ] as const) {
      const keys = Object.keys(list ?? {}).sort();
      if (keys.length === 0) continue;
      w.line(2, `${t}:`);
      for (const k of keys) w.line(3, `${k}:`, String(list![k]));
    }
    if (c.livenessProbe) w.line(2, 'Liveness:', probeText(c.livenessProbe));
    if (c.readinessProbe) w.line(2, 'Readiness:', probeText(c.readinessProbe));
    if (c.startupProbe) w.line(2, 'Startup:', probeText(c.startupProbe));
    const env = c.env ?? [];
    if (env.length === 0) w.line(2, 'Environment:', '<none>');
    else {
      w.line(2, 'Environment:');
      for (const e of env) {
        if (e.valueFrom?.fieldRef) w.line(3, `${e.name}:`, ` (${e.valueFrom.fieldRef.apiVersion ?? 'v1'}:${e.valueFrom.fieldRef.fieldPath})`);
        else w.line(3, `${e.name}:`, e.value ?? '');
      }
    }
    const mounts = c.volumeMounts ?? [];
    if (mounts.length === 0) w.line(2, 'Mounts:', '<none>');
    else {
      w.line(2, 'Mounts:');
      for (const m of mounts) w.line(3, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
    }
  }
}
