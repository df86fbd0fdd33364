// Container env: literal values, `fieldRef` (metadata.name/namespace/uid/labels/annotations,
// spec.nodeName, spec.serviceAccountName, status.podIP(s), status.hostIP(s)), `resourceFieldRef`
// (limits/requests cpu/memory with a divisor), and Kubernetes' `$(VAR)` expansion.
import type { Container, EnvVar, Pod } from '../../api/types/core.js';
import { cpuMillis, memoryBytes, parseQuantity } from '../../api/quantity.js';
import { ContainerConfigError } from './config-error.js';

export interface EnvContext {
  pod: Pod;
  podIP: string;
  hostIP: string;
  /** node allocatable, for resourceFieldRef of an unset limit */
  nodeCpuMillis: number;
  nodeMemoryBytes: number;
}

function fieldPathValue(path: string, ctx: EnvContext, field: string): string {
  const { pod } = ctx;
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(path);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[labelOrAnnotation[2]] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    default:
      throw new ContainerConfigError(`${field}.valueFrom.fieldRef.fieldPath: unsupported value "${path}"`);
  }
}

function resourceValue(ref: { containerName?: string; resource: string; divisor?: string }, container: Container, ctx: EnvContext, field: string): string {
  const target = ref.containerName ? ctx.pod.spec?.containers.find((c) => c.name === ref.containerName) : container;
  if (!target) throw new ContainerConfigError(`${field}.valueFrom.resourceFieldRef.containerName: container "${ref.containerName}" not found`);
  const [kind, res] = ref.resource.split('.');
  if ((kind !== 'limits' && kind !== 'requests') || (res !== 'cpu' && res !== 'memory')) {
    throw new ContainerConfigError(`${field}.valueFrom.resourceFieldRef.resource: unsupported value "${ref.resource}"`);
  }
  const list = kind === 'limits' ? target.resources?.limits : target.resources?.requests;
  if (res === 'cpu') {
    const millis = list?.cpu !== undefined ? cpuMillis(list.cpu) : kind === 'limits' ? ctx.nodeCpuMillis : 0;
    const divisor = ref.divisor ? cpuMillis(ref.divisor) : 1000;
    return String(Math.ceil(millis / divisor));
  }
  const bytes = list?.memory !== undefined ? memoryBytes(list.memory) : kind === 'limits' ? ctx.nodeMemoryBytes : 0;
  const divisor = ref.divisor ? parseQuantity(ref.divisor).value : 1;
  return String(Math.ceil(bytes / divisor));
}

/** `$(NAME)` → the value of an earlier variable (left as is when unknown), `$$(NAME)` → `$(NAME)`. */
export function expandVars(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : whole;
  });
}

function envValue(e: EnvVar, i: number, container: Container, ctx: EnvContext, vars: Map<string, string>): string {
  const field = `spec.containers[${container.name}].env[${i}]`;
  const from = e.valueFrom;
  if (!from) return expandVars(e.value ?? '', vars);
  if (from.fieldRef) return fieldPathValue(from.fieldRef.fieldPath, ctx, field);
  if (from.resourceFieldRef) return resourceValue(from.resourceFieldRef, container, ctx, field);
  if (from.configMapKeyRef) {
    throw new ContainerConfigError(`${field}.valueFrom.configMapKeyRef: configmap "${from.configMapKeyRef.name}" not found (ConfigMaps are not served)`);
  }
  if (from.secretKeyRef) {
    throw new ContainerConfigError(`${field}.valueFrom.secretKeyRef: secret "${from.secretKeyRef.name}" not found (Secrets are not served)`);
  }
  throw new ContainerConfigError(`${field}.valueFrom: no source given for "${e.name}"`);
}

/** The container's environment, in order, later duplicates winning as in Kubernetes. */
export function resolveEnv(container: Container, ctx: EnvContext): Map<string, string> {
  const vars = new Map<string, string>();
  (container.env ?? []).forEach((e, i) => vars.set(e.name, envValue(e, i, container, ctx, vars)));
  return vars;
}
