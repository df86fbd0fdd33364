// Pieces every describer prints the kubectl way: timestamps, labels, annotations (without the
// last-applied one), owners, pod templates and containers, and the Events table.
import { findByResource } from '../../api/resources.js';
import type { Event, PodTemplateSpec, Toleration, Volume } from '../../api/types/core.js';
import { writeContainers } from './describe-containers.js';
import type { KubeObject, ObjectMeta } from '../../api/types/meta.js';
import type { ApiClient } from '../../client/rest-client.js';
import type { DescribeWriter } from './describe-writer.js';
import { age } from '../../api/human-duration.js';
export { rfc1123z } from './describe-time.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** `Key:\tv1` then `\tv2`... or `<none>`; continuation lines carry no indentation, as in kubectl. */
export function multiLine(w: DescribeWriter, level: number, title: string, values: string[]): void {
  if (values.length === 0) {
    w.line(level, `${title}:`, '<none>');
    return;
  }
  values.forEach((v, i) => (i === 0 ? w.line(level, `${title}:`, v) : w.line(0, '', v)));
}

export function labelLines(labels: Record<string, string> | undefined): string[] {
  return Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels![k]}`);
}

export function annotationLines(annotations: Record<string, string> | undefined): string[] {
  return Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort()
    .map((k) => `${k}: ${annotations![k]}`);
}

export function writeMeta(w: DescribeWriter, meta: ObjectMeta, opts: { namespace?: boolean } = { namespace: true }): void {
  w.line(0, 'Name:', meta.name ?? '');
  if (opts.namespace) w.line(0, 'Namespace:', meta.namespace ?? '');
}

export function controlledBy(meta: ObjectMeta): string | undefined {
  const c = meta.ownerReferences?.find((o) => o.controller);
  return c ? `${c.kind}/${c.name}` : undefined;
}

export function selectorText(sel: { matchLabels?: Record<string, string> } | undefined): string {
  const s = labelLines(sel?.matchLabels).join(',');
  return s || '<none>';
}

export function volumeLines(w: DescribeWriter, level: number, volumes: Volume[] | undefined): void {
  if (!volumes || volumes.length === 0) {
    w.line(level, 'Volumes:', '<none>');
    return;
  }
  w.line(level, 'Volumes:');
  for (const v of volumes) {
    w.line(level + 1, `${v.name}:`);
    if (v.emptyDir) {
      w.line(level + 2, 'Type:', 'EmptyDir (a temporary directory that shares a pod\'s lifetime)');
      w.line(level + 2, 'Medium:', v.emptyDir.medium ?? '');
      w.line(level + 2, 'SizeLimit:', v.emptyDir.sizeLimit ?? '<unset>');
    } else if (v.hostPath) {
      w.line(level + 2, 'Type:', `HostPath (bare host directory volume)`);
      w.line(level + 2, 'Path:', v.hostPath.path);
      w.line(level + 2, 'HostPathType:', v.hostPath.type ?? '');
    } else {
      w.line(level + 2, 'Type:', Object.keys(v).filter((k) => k !== 'name').join(', ') || '<unknown>');
    }
  }
}

export function tolerationText(t: Toleration): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  if (t.operator === 'Exists' && !t.value) s += ' op=Exists';
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
  return s;
}

export function writeTemplate(w: DescribeWriter, t: PodTemplateSpec | undefined): void {
  w.line(0, 'Pod Template:');
  multiLine(w, 1, 'Labels', labelLines(t?.metadata?.labels));
  const ann = annotationLines(t?.metadata?.annotations);
  if (ann.length) multiLine(w, 1, 'Annotations', ann);
  if (t?.spec?.serviceAccountName) w.line(1, 'Service Account:', t.spec.serviceAccountName);
  if (t?.spec?.initContainers?.length) writeContainers(w, 1, 'Init Containers', t.spec.initContainers, undefined);
  writeContainers(w, 1, 'Containers', t?.spec?.containers ?? [], undefined);
  volumeLines(w, 1, t?.spec?.volumes);
  multiLine(w, 1, 'Node-Selectors', labelLines(t?.spec?.nodeSelector));
  multiLine(w, 1, 'Tolerations', (t?.spec?.tolerations ?? []).map(tolerationText));
}

export type DescribeEvent = Event & KubeObject;
type EventObject = DescribeEvent;

export async function fetchEvents(client: ApiClient, obj: KubeObject): Promise<EventObject[]> {
  const info = findByResource('', 'events')!;
  const sel = [`involvedObject.name=${obj.metadata.name}`];
  if (obj.metadata.namespace) sel.push(`involvedObject.namespace=${obj.metadata.namespace}`);
  if (obj.kind && obj.kind !== 'Pod') sel.push(`involvedObject.kind=${obj.kind}`);
  if (obj.metadata.uid) sel.push(`involvedObject.uid=${obj.metadata.uid}`);
  try {
    const list = await client.resource<EventObject>(info).list(obj.metadata.namespace ?? 'default', { fieldSelector: sel.join(',') });
    return list.items.sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')));
  } catch {
    return [];
  }
}

export function writeEvents(w: DescribeWriter, events: EventObject[], now: number = Date.now()): void {
  if (events.length === 0) {
    w.line(0, 'Events:', '<none>');
    return;
  }
  w.line(0, 'Events:');
  w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
  w.line(1, '----', '------', '----', '----', '-------');
  for (const e of events) {
    const last = e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
    let when = age(last, now);
    if ((e.count ?? 1) > 1) when = `${when} (x${e.count} over ${age(e.firstTimestamp ?? last, now)})`;
    // kubectl 1.32 shows the component only
    const from = e.source?.component || e.reportingComponent || '';
    w.line(1, e.type ?? '', e.reason ?? '', when, from, (e.message ?? '').trim());
  }
}
