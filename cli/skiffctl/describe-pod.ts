// kubectl describe pod.
import { podQosClass } from '../../api/pod-helpers.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import {
  annotationLines,
  controlledBy,
  labelLines,
  multiLine,
  tolerationText,
  volumeLines,
  writeEvents,
  type DescribeEvent,
} from './describe-common.js';
import { writeContainers } from './describe-containers.js';
import { rfc1123z } from './describe-time.js';
import { DescribeWriter } from './describe-writer.js';
import { humanDuration } from '../../api/human-duration.js';

export function describePod(pod: Pod & KubeObject, events: DescribeEvent[] | undefined, now: number = Date.now()): string {
  const w = new DescribeWriter();
  const spec = pod.spec;
  const st = pod.status ?? {};
  w.line(0, 'Name:', pod.metadata.name ?? '');
  w.line(0, 'Namespace:', pod.metadata.namespace ?? '');
  if (spec?.priority !== undefined) w.line(0, 'Priority:', String(spec.priority));
  if (spec?.priorityClassName) w.line(0, 'Priority Class Name:', spec.priorityClassName);
  if (spec?.serviceAccountName) w.line(0, 'Service Account:', spec.serviceAccountName);
  w.line(0, 'Node:', spec?.nodeName ? `${spec.nodeName}/${st.hostIP ?? ''}` : '<none>');
  if (st.startTime) w.line(0, 'Start Time:', rfc1123z(st.startTime));
  multiLine(w, 0, 'Labels', labelLines(pod.metadata.labels));
  multiLine(w, 0, 'Annotations', annotationLines(pod.metadata.annotations));
  if (pod.metadata.deletionTimestamp) {
    const left = Date.parse(pod.metadata.deletionTimestamp) - now;
    w.line(0, 'Status:', `Terminating (lasts ${humanDuration(Math.max(0, -left))})`);
    w.line(0, 'Termination Grace Period:', `${pod.metadata.deletionGracePeriodSeconds ?? 0}s`);
  } else {
    w.line(0, 'Status:', st.phase ?? '');
  }
  if (st.reason) w.line(0, 'Reason:', st.reason);
  if (st.message) w.line(0, 'Message:', st.message);
  w.line(0, 'IP:', st.podIP ?? '');
  const ips = st.podIPs ?? [];
  if (ips.length === 0) w.line(0, 'IPs:', '<none>');
  else {
    w.line(0, 'IPs:');
    for (const ip of ips) w.line(1, 'IP:', ip.ip);
  }
  const owner = controlledBy(pod.metadata);
  if (owner) w.line(0, 'Controlled By:', owner);
  if (st.nominatedNodeName) w.line(0, 'NominatedNodeName:', st.nominatedNodeName);
  if (spec?.initContainers?.length) writeContainers(w, 0, 'Init Containers', spec.initContainers, st.initContainerStatuses);
  writeContainers(w, 0, 'Containers', spec?.containers ?? [], st.containerStatuses);
  if (st.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status');
    for (const c of st.conditions) w.line(1, `${c.type} `, `${c.status} `);
  }
  volumeLines(w, 0, spec?.volumes);
  w.line(0, 'QoS Class:', st.qosClass ?? podQosClass(pod));
  multiLine(w, 0, 'Node-Selectors', labelLines(spec?.nodeSelector));
  multiLine(w, 0, 'Tolerations', (spec?.tolerations ?? []).map(tolerationText));
  if (events) writeEvents(w, events, now);
  return w.render();
}
