// describe for kinds without a dedicated describer: metadata, then spec and status as YAML.
import type { KubeObject } from '../../api/types/meta.js';
import { annotationLines, labelLines, multiLine, writeEvents, type DescribeEvent } from './describe-common.js';
import { rfc1123z } from './describe-time.js';
import { DescribeWriter } from './describe-writer.js';
import { toYaml } from './object-printer.js';

export function describeGeneric(obj: KubeObject, events: DescribeEvent[] | undefined, now: number = Date.now()): string {
  const w = new DescribeWriter();
  w.line(0, 'Name:', obj.metadata.name ?? '');
  if (obj.metadata.namespace) w.line(0, 'Namespace:', obj.metadata.namespace);
  multiLine(w, 0, 'Labels', labelLines(obj.metadata.labels));
  multiLine(w, 0, 'Annotations', annotationLines(obj.metadata.annotations));
  w.line(0, 'API Version:', obj.apiVersion ?? '');
  w.line(0, 'Kind:', obj.kind ?? '');
  w.line(0, 'CreationTimestamp:', rfc1123z(obj.metadata.creationTimestamp));
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!['apiVersion', 'kind', 'metadata'].includes(k)) rest[k] = v;
  let text = w.render();
  for (const [k, v] of Object.entries(rest)) {
    const yaml = toYaml(v).replace(/\n$/, '').split('\n').map((l) => `  ${l}`).join('\n');
    text += `${k.charAt(0).toUpperCase()}${k.slice(1)}:\n${yaml}\n`;
  }
  if (events) {
    const ev = new DescribeWriter();
    writeEvents(ev, events, now);
    text += ev.render();
  }
  return text;
}
