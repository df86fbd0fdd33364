// pods/binding (pure): checking a Binding body and assigning its node to a pod once.
import type { KubeObject } from '../../api/types/meta.js';
import type { Pod, PodStatus } from '../../api/types/core.js';
import { badRequest, conflict } from '../../api/status.js';
import { timestamp } from './object-rules.js';

const BINDING_REF = { group: '', resource: 'pods/binding' };

/** The target node of a Binding for pod `name`; a 400 names the bad field. */
export function bindingTarget(raw: unknown, name: string): string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('the request body must be a Binding object');
  const body = raw as { kind?: string; metadata?: { name?: string }; target?: { kind?: string; name?: string } };
  if (body.kind !== undefined && body.kind !== 'Binding') throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (Binding)`);
  if (body.metadata?.name !== undefined && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (body.target?.kind && body.target.kind !== 'Node') throw badRequest(`target.kind: Unsupported value: ${JSON.stringify(body.target.kind)}: supported values: "Node"`);
  if (!body.target?.name) throw badRequest('target.name: Required value: a Binding needs a target node');
  return body.target.name;
}

/** The pod bound to `node` with PodScheduled=True; 409 when already bound or being deleted. */
export function bindPod(live: KubeObject, node: string, now: Date): KubeObject {
  const pod = live as Pod;
  const name = pod.metadata.name ?? '';
  if (pod.metadata.deletionTimestamp) throw conflict(BINDING_REF, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec?.nodeName) throw conflict(BINDING_REF, name, `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`);
  const status: PodStatus = { ...(pod.status ?? {}) };
  status.conditions = [
    ...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
    { type: 'PodScheduled', status: 'True', lastTransitionTime: timestamp(now) },
  ];
  return { ...live, spec: { ...(live.spec as object), nodeName: node }, status };
}
