// kubectl describe deployment and replicaset.
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { annotationLines, controlledBy, labelLines, multiLine, writeEvents, writeTemplate, type DescribeEvent } from './describe-common.js';
import { rfc1123z } from './describe-time.js';
import { DescribeWriter } from './describe-writer.js';
import { sameTemplate, templateForDeployment } from './rollout-history.js';
import { selectorString } from './selector-text.js';

function rsList(rss: ReplicaSet[]): string {
  if (rss.length === 0) return '<none>';
  return rss.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ');
}

/** The Deployment's ReplicaSets split as kubectl does: the one matching its template, and old ones still scaled up. */
export function splitReplicaSets(d: Deployment, rss: ReplicaSet[]): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const owned = rss
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === d.metadata.uid))
    .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
  const newRS = owned.find((rs) => sameTemplate(templateForDeployment(rs), d.spec?.template));
  return { newRS, oldRSs: owned.filter((rs) => rs !== newRS) };
}

export function describeDeployment(d: Deployment & KubeObject, rss: ReplicaSet[], events: DescribeEvent[] | undefined, now: number = Date.now()): string {
  const w = new DescribeWriter();
  const st = d.status ?? {};
  w.line(0, 'Name:', d.metadata.name ?? '');
  w.line(0, 'Namespace:', d.metadata.namespace ?? '');
  w.line(0, 'CreationTimestamp:', rfc1123z(d.metadata.creationTimestamp));
  multiLine(w, 0, 'Labels', labelLines(d.metadata.labels));
  multiLine(w, 0, 'Annotations', annotationLines(d.metadata.annotations));
  w.line(0, 'Selector:', selectorString(d.spec?.selector));
  w.line(
    0,
    'Replicas:',
    `${d.spec?.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
  );
  const strategy = d.spec?.strategy;
  w.line(0, 'StrategyType:', strategy?.type ?? '');
  w.line(0, 'MinReadySeconds:', String(d.spec?.minReadySeconds ?? 0));
  if (strategy?.rollingUpdate) {
    w.line(0, 'RollingUpdateStrategy:', `${strategy.rollingUpdate.maxUnavailable ?? ''} max unavailable, ${strategy.rollingUpdate.maxSurge ?? ''} max surge`);
  }
  writeTemplate(w, d.spec?.template);
  if (st.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'Reason');
    w.line(1, '----', '------', '------');
    for (const c of st.conditions) w.line(1, `${c.type} `, c.status, c.reason ?? '');
  }
  const { newRS, oldRSs } = splitReplicaSets(d, rss);
  // kubectl prints these only once the Deployment has ReplicaSets
  if (newRS || oldRSs.length > 0) {
    w.line(0, 'OldReplicaSets:', rsList(oldRSs));
    w.line(0, 'NewReplicaSet:', rsList(newRS ? [newRS] : []));
  }
  if (events) writeEvents(w, events, now);
  return w.render();
}

export function describeReplicaSet(rs: ReplicaSet & KubeObject, pods: Pod[], events: DescribeEvent[] | undefined, now: number = Date.now()): string {
  const w = new DescribeWriter();
  const owned = pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.controller && o.uid === rs.metadata.uid));
  const count = (phase: string): number => owned.filter((p) => p.status?.phase === phase).length;
  w.line(0, 'Name:', rs.metadata.name ?? '');
  w.line(0, 'Namespace:', rs.metadata.namespace ?? '');
  w.line(0, 'Selector:', selectorString(rs.spec?.selector));
  multiLine(w, 0, 'Labels', labelLines(rs.metadata.labels));
  multiLine(w, 0, 'Annotations', annotationLines(rs.metadata.annotations));
  const owner = controlledBy(rs.metadata);
  if (owner) w.line(0, 'Controlled By:', owner);
  w.line(0, 'Replicas:', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`);
  w.line(0, 'Pods Status:', `${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed`);
  writeTemplate(w, rs.spec?.template);
  if (rs.status?.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'Reason');
    w.line(1, '----', '------', '------');
    for (const c of rs.status.conditions) w.line(1, `${c.type} `, c.status, c.reason ?? '');
  }
  if (events) writeEvents(w, events, now);
  return w.render();
}
