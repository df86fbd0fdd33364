// Container validation (Kubernetes' validateContainers): names, image, ports, env, resources,
// volume mounts, probes and lifecycle handlers, with Kubernetes' field paths and messages.
import { type FieldError, duplicate, forbidden, invalidValue, notFoundValue, required } from '../field-errors.js';
import { isDNS1123Label, isEnvVarName, isValidIP, isValidPortName } from '../names.js';
import { compareQuantities, isValidQuantity } from '../quantity.js';
import type { Container, Probe } from '../types/core.js';
import { arrayOf, isRecord, nonNegative, oneOf, positive, validatePortNumber, validatePortNumOrName, validateResourceList } from './checks.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const FIELD_REF_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

function validateHandler(path: string, h: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const handlers = ['exec', 'httpGet', 'tcpSocket'].filter((k) => h[k] !== undefined && h[k] !== null);
  if (handlers.length === 0) return [required(path, 'must specify a handler type')];
  for (const extra of handlers.slice(1)) errs.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  const exec = h.exec as { command?: unknown } | undefined;
  if (exec && arrayOf<unknown>(exec.command).length === 0) errs.push(required(`${path}.exec.command`));
  const http = h.httpGet as Record<string, unknown> | undefined;
  if (http) {
    errs.push(...validatePortNumOrName(`${path}.httpGet.port`, http.port));
    errs.push(...oneOf(`${path}.httpGet.scheme`, http.scheme, ['HTTP', 'HTTPS']));
    if (http.path !== undefined && (typeof http.path !== 'string' || (http.path !== '' && !http.path.startsWith('/')))) {
      errs.push(invalidValue(`${path}.httpGet.path`, http.path, "must be an absolute path starting with '/'"));
    }
  }
  const tcp = h.tcpSocket as Record<string, unknown> | undefined;
  if (tcp) errs.push(...validatePortNumOrName(`${path}.tcpSocket.port`, tcp.port));
  return errs;
}

function validateProbe(path: string, probe: Probe | undefined, mustSucceedOnce: boolean): FieldError[] {
  if (probe === undefined || probe === null) return [];
  if (!isRecord(probe)) return [invalidValue(path, probe, 'must be an object')];
  const errs = validateHandler(path, probe as unknown as Record<string, unknown>);
  errs.push(...nonNegative(`${path}.initialDelaySeconds`, probe.initialDelaySeconds));
  errs.push(...nonNegative(`${path}.timeoutSeconds`, probe.timeoutSeconds));
  errs.push(...nonNegative(`${path}.periodSeconds`, probe.periodSeconds));
  errs.push(...nonNegative(`${path}.successThreshold`, probe.successThreshold));
  errs.push(...nonNegative(`${path}.failureThreshold`, probe.failureThreshold));
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalidValue(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  if (probe.terminationGracePeriodSeconds !== undefined) errs.push(...positive(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds));
  return errs;
}

function validateEnv(path: string, env: unknown): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf<Record<string, unknown>>(env).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (typeof e.name !== 'string' || e.name === '') errs.push(required(`${p}.name`));
    else for (const m of isEnvVarName(e.name)) errs.push(invalidValue(`${p}.name`, e.name, m));
    if (e.value !== undefined && typeof e.value !== 'string') errs.push(invalidValue(`${p}.value`, e.value, 'must be a string'));
    const from = e.valueFrom;
    if (from === undefined || from === null) return;
    if (!isRecord(from)) {
      errs.push(invalidValue(`${p}.valueFrom`, from, 'must be an object'));
      return;
    }
    if (typeof e.value === 'string' && e.value !== '') {
      errs.push(invalidValue(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    }
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => from[k] !== undefined);
    if (sources.length === 0) errs.push(invalidValue(`${p}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (sources.length > 1) errs.push(invalidValue(`${p}.valueFrom`, '', 'may not have more than one field specified at a time'));
    const fieldRef = from.fieldRef as Record<string, unknown> | undefined;
    if (fieldRef) {
      const fp = fieldRef.fieldPath;
      const base = typeof fp === 'string' ? fp.replace(/\[.*\]$/, '') : fp;
      if (typeof fp !== 'string' || fp === '') errs.push(required(`${p}.valueFrom.fieldRef.fieldPath`));
      else if (!FIELD_REF_PATHS.includes(base as string)) errs.push(...oneOf(`${p}.valueFrom.fieldRef.fieldPath`, fp, FIELD_REF_PATHS));
    }
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = from[k] as Record<string, unknown> | undefined;
      if (ref && (typeof ref.key !== 'string' || ref.key === '')) errs.push(required(`${p}.valueFrom.${k}.key`));
    }
    const rf = from.resourceFieldRef as Record<string, unknown> | undefined;
    if (rf && (typeof rf.resource !== 'string' || rf.resource === '')) errs.push(required(`${p}.valueFrom.resourceFieldRef.resource`));
  });
  return errs;
}

function validateResources(path: string, c: Container): FieldError[] {
  const res = c.resources;
  if (res === undefined || res === null) return [];
  if (!isRecord(res)) return [invalidValue(path, res, 'must be an object')];
  const errs = [...validateResourceList(`${path}.limits`, res.limits), ...validateResourceList(`${path}.requests`, res.requests)];
  const limits = isRecord(res.limits) ? res.limits : {};
  const requests = isRecord(res.requests) ? res.requests : {};
  for (const [name, req] of Object.entries(requests)) {
    const lim = limits[name];
    if (typeof req !== 'string' || typeof lim !== 'string' || !isValidQuantity(req) || !isValidQuantity(lim)) continue;
    if (compareQuantities(req, lim) > 0) {
      errs.push(invalidValue(`${path}.requests[${name}]`, req, `must be less than or equal to ${name} limit of ${lim}`));
    }
  }
  return errs;
}

export interface ContainerContext {
  volumes: Set<string>;
  names: Set<string>;
  hostPorts: Set<string>;
  isInit: boolean;
}

export function validateContainer(path: string, c: Container, ctx: ContainerContext): FieldError[] {
  if (!isRecord(c)) return [invalidValue(path, c, 'must be an object')];
  const errs: FieldError[] = [];
  if (typeof c.name !== 'string' || c.name === '') {
    errs.push(required(`${path}.name`));
  } else {
    for (const m of isDNS1123Label(c.name)) errs.push(invalidValue(`${path}.name`, c.name, m));
    if (ctx.names.has(c.name)) errs.push(duplicate(`${path}.name`, c.name));
    ctx.names.add(c.name);
  }
  if (typeof c.image !== 'string' || c.image === '') errs.push(required(`${path}.image`));
  else if (c.image.trim() !== c.image) errs.push(invalidValue(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  errs.push(...oneOf(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  errs.push(...oneOf(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['FallbackToLogsOnError', 'File']));

  const portNames = new Set<string>();
  arrayOf<Record<string, unknown>>(c.ports).forEach((port, i) => {
    const p = `${path}.ports[${i}]`;
    if (port.name !== undefined && port.name !== '') {
      if (typeof port.name !== 'string') errs.push(invalidValue(`${p}.name`, port.name, 'must be a string'));
      else {
        for (const m of isValidPortName(port.name)) errs.push(invalidValue(`${p}.name`, port.name, m));
        if (portNames.has(port.name)) errs.push(duplicate(`${p}.name`, port.name));
        portNames.add(port.name);
      }
    }
    errs.push(...validatePortNumber(`${p}.containerPort`, port.containerPort, true));
    errs.push(...validatePortNumber(`${p}.hostPort`, port.hostPort, false));
    errs.push(...oneOf(`${p}.protocol`, port.protocol, PROTOCOLS, true));
    if (port.hostIP !== undefined && port.hostIP !== '' && !(typeof port.hostIP === 'string' && isValidIP(port.hostIP))) {
      errs.push(invalidValue(`${p}.hostIP`, port.hostIP, 'must be a valid IP address'));
    }
    if (typeof port.hostPort === 'number' && port.hostPort > 0) {
      const key = `${String(port.protocol ?? 'TCP')}/${String(port.hostIP ?? '')}/${port.hostPort}`;
      if (ctx.hostPorts.has(key)) errs.push(duplicate(`${p}.hostPort`, key));
      ctx.hostPorts.add(key);
    }
  });

  errs.push(...validateEnv(`${path}.env`, c.env));
  errs.push(...validateResources(`${path}.resources`, c));

  const mountPaths = new Set<string>();
  arrayOf<Record<string, unknown>>(c.volumeMounts).forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    if (typeof m.name !== 'string' || m.name === '') errs.push(required(`${p}.name`));
    else if (!ctx.volumes.has(m.name)) errs.push(notFoundValue(`${p}.name`, m.name));
    if (typeof m.mountPath !== 'string' || m.mountPath === '') {
      errs.push(required(`${p}.mountPath`));
    } else {
      if (mountPaths.has(m.mountPath)) errs.push(invalidValue(`${p}.mountPath`, m.mountPath, 'must be unique'));
      mountPaths.add(m.mountPath);
    }
    if (typeof m.subPath === 'string' && m.subPath !== '') {
      if (m.subPath.startsWith('/')) errs.push(invalidValue(`${p}.subPath`, m.subPath, 'must be a relative path'));
      if (m.subPath.split('/').includes('..')) errs.push(invalidValue(`${p}.subPath`, m.subPath, "must not contain '..'"));
    }
    errs.push(...oneOf(`${p}.mountPropagation`, m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None']));
  });

  if (ctx.isInit) {
    for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[k] !== undefined) errs.push(forbidden(`${path}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
    }
  } else {
    errs.push(...validateProbe(`${path}.livenessProbe`, c.livenessProbe, true));
    errs.push(...validateProbe(`${path}.readinessProbe`, c.readinessProbe, false));
    errs.push(...validateProbe(`${path}.startupProbe`, c.startupProbe, true));
  }
  const lifecycle = c.lifecycle as Record<string, unknown> | undefined;
  for (const k of ['postStart', 'preStop']) {
    const h = lifecycle?.[k];
    if (h !== undefined && h !== null) {
      if (!isRecord(h)) errs.push(invalidValue(`${path}.lifecycle.${k}`, h, 'must be an object'));
      else errs.push(...validateHandler(`${path}.lifecycle.${k}`, h));
    }
  }
  return errs;
}
