// Validation of the small kinds: Namespace, Node, Lease, Event.
import { type FieldError, duplicate, invalidValue, notSupported, required } from '../field-errors.js';
import { isQualifiedName } from '../names.js';
import type { Event, Namespace, Node } from '../types/core.js';
import type { Lease } from '../types/apps.js';
import { arrayOf, isObject, nonNegative, oneOf, positive, validateResourceList } from './checks.js';

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf<unknown>(ns.spec?.finalizers).forEach((f, i) => {
    const path = `spec.finalizers[${i}]`;
    if (typeof f !== 'string') errs.push(invalidValue(path, f, 'must be a string'));
    else if (f !== 'kubernetes' && (!f.includes('/') || isQualifiedName(f).length)) {
      errs.push(invalidValue(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  if (isObject(ns.status)) errs.push(...oneOf('status.phase', ns.status.phase, ['Active', 'Terminating']));
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arrayOf<Record<string, unknown>>(node.spec?.taints).forEach((t, i) => {
    const path = `spec.taints[${i}]`;
    if (typeof t.key !== 'string' || t.key === '') errs.push(required(`${path}.key`));
    else for (const m of isQualifiedName(t.key)) errs.push(invalidValue(`${path}.key`, t.key, m));
    if (!t.effect) errs.push(required(`${path}.effect`));
    else if (!['NoExecute', 'NoSchedule', 'PreferNoSchedule'].includes(String(t.effect))) {
      errs.push(notSupported(`${path}.effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
    }
    const key = `${String(t.key)}:${String(t.effect)}`;
    if (seen.has(key)) errs.push(duplicate(path, t));
    seen.add(key);
  });
  const cidr = node.spec?.podCIDR;
  if (cidr !== undefined && cidr !== '' && !/^[0-9a-fA-F:.]+\/[0-9]{1,3}$/.test(cidr)) {
    errs.push(invalidValue('spec.podCIDR', cidr, 'must be a valid CIDR'));
  }
  errs.push(...validateResourceList('status.capacity', node.status?.capacity));
  errs.push(...validateResourceList('status.allocatable', node.status?.allocatable));
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec;
  if (!isObject(spec)) return [];
  return [...positive('spec.leaseDurationSeconds', spec.leaseDurationSeconds), ...nonNegative('spec.leaseTransitions', spec.leaseTransitions)];
}

export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const io = ev.involvedObject;
  if (!isObject(io)) return [required('involvedObject')];
  if (io.namespace && ev.metadata?.namespace && io.namespace !== ev.metadata.namespace) {
    errs.push(invalidValue('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
  }
  errs.push(...oneOf('type', ev.type, ['Normal', 'Warning']));
  errs.push(...nonNegative('count', ev.count));
  if (typeof ev.reason === 'string' && ev.reason.length > 128) errs.push(invalidValue('reason', ev.reason, 'can have at most 128 characters'));
  return errs;
}
