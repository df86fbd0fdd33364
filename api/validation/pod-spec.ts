// PodSpec validation (Kubernetes' ValidatePodSpec), shared by pods and the templates of Deployments
// and ReplicaSets. Field paths and messages as Kubernetes prints them.
import { type FieldError, duplicate, forbidden, invalidValue, notFoundValue, required } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidIP, isValidPortName } from '../names.js';
import { compareQuantities, isValidQuantity } from '../quantity.js';
import type { Container, PodSpec, Probe, Toleration, Volume } from '../types/core.js';
import {
  arrayOf,
  isRecord,
  nonNegative,
  oneOf,
  positive,
  validateLabels,
  validatePortNumber,
  validatePortNumOrName,
  validateQuantity,
  validateResourceList,
} from './checks.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'configMap', 'secret'] as const;
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

function validateHandler(path: string, h: Record<string, unknown>, kind: 'probe' | 'lifecycle'): FieldError[] {
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
  void kind;
  return errs;
}

function validateProbe(path: string, probe: Probe | undefined, mustSucceedOnce: boolean): FieldError[] {
  if (probe === undefined || probe === null) return [];
  if (!isRecord(probe)) return [invalidValue(path, probe, 'must be an object')];
  const errs = validateHandler(path, probe as unknown as Record<string, unknown>, 'probe');
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

interface ContainerContext {
  volumes: Set<string>;
  names: Set<string>;
  hostPorts: Set<string>;
  isInit: boolean;
}

function validateContainer(path: string, c: Container, ctx: ContainerContext): FieldError[] {
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
      else errs.push(...validateHandler(`${path}.lifecycle.${k}`, h, 'lifecycle'));
    }
  }
  return errs;
}

function validateVolume(path: string, v: Volume, names: Set<string>): FieldError[] {
  if (!isRecord(v)) return [invalidValue(path, v, 'must be an object')];
  const errs: FieldError[] = [];
  if (typeof v.name !== 'string' || v.name === '') errs.push(required(`${path}.name`));
  else {
    for (const m of isDNS1123Label(v.name)) errs.push(invalidValue(`${path}.name`, v.name, m));
    if (names.has(v.name)) errs.push(duplicate(`${path}.name`, v.name));
    names.add(v.name);
  }
  const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  if (sources.length === 0) errs.push(required(path, 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 volume type'));
  if (v.hostPath) {
    if (typeof v.hostPath.path !== 'string' || v.hostPath.path === '') errs.push(required(`${path}.hostPath.path`));
    else if (v.hostPath.path.split('/').includes('..')) errs.push(invalidValue(`${path}.hostPath.path`, v.hostPath.path, "must not contain '..'"));
    if (v.hostPath.type !== undefined && !HOST_PATH_TYPES.includes(v.hostPath.type)) {
      errs.push(...oneOf(`${path}.hostPath.type`, v.hostPath.type, HOST_PATH_TYPES));
    }
  }
  if (v.emptyDir) {
    errs.push(...oneOf(`${path}.emptyDir.medium`, v.emptyDir.medium, ['', 'Memory']));
    if (v.emptyDir.sizeLimit !== undefined) errs.push(...validateQuantity(`${path}.emptyDir.sizeLimit`, v.emptyDir.sizeLimit));
  }
  if (v.configMap) {
    if (!v.configMap.name) errs.push(required(`${path}.configMap.name`));
    else for (const m of isDNS1123Subdomain(v.configMap.name)) errs.push(invalidValue(`${path}.configMap.name`, v.configMap.name, m));
  }
  if (v.secret) {
    if (!v.secret.secretName) errs.push(required(`${path}.secret.secretName`));
    else for (const m of isDNS1123Subdomain(v.secret.secretName)) errs.push(invalidValue(`${path}.secret.secretName`, v.secret.secretName, m));
  }
  for (const src of [v.configMap, v.secret]) {
    if (!src) continue;
    const base = `${path}.${src === v.configMap ? 'configMap' : 'secret'}`;
    if (src.defaultMode !== undefined && (src.defaultMode < 0 || src.defaultMode > 0o777)) {
      errs.push(invalidValue(`${base}.defaultMode`, src.defaultMode, 'must be a number between 0 and 0777 (octal), both inclusive'));
    }
    arrayOf<{ key?: string; path?: string }>(src.items).forEach((it, i) => {
      if (!it.key) errs.push(required(`${base}.items[${i}].key`));
      if (!it.path) errs.push(required(`${base}.items[${i}].path`));
      else if (it.path.startsWith('/')) errs.push(invalidValue(`${base}.items[${i}].path`, it.path, 'must be a relative path'));
      else if (it.path.split('/').includes('..')) errs.push(invalidValue(`${base}.items[${i}].path`, it.path, "must not contain '..'"));
    });
  }
  return errs;
}

export function validateTolerations(path: string, tolerations: unknown): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf<unknown>(tolerations).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(raw)) {
      errs.push(invalidValue(p, raw, 'must be an object'));
      return;
    }
    const t = raw as Toleration;
    if (t.key) for (const m of isQualifiedName(t.key)) errs.push(invalidValue(`${p}.key`, t.key, m));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalidValue(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalidValue(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator === 'Exists') {
      if (t.value) errs.push(invalidValue(`${p}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    } else if (t.operator === undefined || t.operator === 'Equal') {
      if (t.value) for (const m of isValidLabelValueSafe(t.value)) errs.push(invalidValue(`${p}.value`, t.value, m));
    } else {
      errs.push(...oneOf(`${p}.operator`, t.operator, ['Equal', 'Exists']));
    }
    errs.push(...oneOf(`${p}.effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
  });
  return errs;
}

function isValidLabelValueSafe(v: unknown): string[] {
  return typeof v === 'string' ? validateLabels('x', { x: v }).map((e) => e.message) : ['must be a string'];
}

function validateAffinity(path: string, affinity: unknown): FieldError[] {
  if (affinity === undefined || affinity === null) return [];
  if (!isRecord(affinity)) return [invalidValue(path, affinity, 'must be an object')];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity as Record<string, unknown> | undefined;
  const terms = (p: string, term: unknown): void => {
    if (!isRecord(term)) return;
    for (const k of ['matchExpressions', 'matchFields']) {
      arrayOf<Record<string, unknown>>(term[k]).forEach((r, i) => {
        const rp = `${p}.${k}[${i}]`;
        const op = r.operator;
        const values = arrayOf<unknown>(r.values);
        errs.push(...oneOf(`${rp}.operator`, op, ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], true));
        if ((op === 'In' || op === 'NotIn') && values.length === 0) errs.push(required(`${rp}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        if ((op === 'Exists' || op === 'DoesNotExist') && values.length) errs.push(forbidden(`${rp}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        if ((op === 'Gt' || op === 'Lt') && (values.length !== 1 || !/^-?[0-9]+$/.test(String(values[0])))) {
          errs.push(required(`${rp}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
        }
        if (typeof r.key !== 'string' || r.key === '') errs.push(required(`${rp}.key`));
        else if (k === 'matchExpressions') for (const m of isQualifiedName(r.key)) errs.push(invalidValue(`${rp}.key`, r.key, m));
      });
    }
  };
  const req = na?.requiredDuringSchedulingIgnoredDuringExecution as Record<string, unknown> | undefined;
  if (req) {
    const base = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    const list = arrayOf<unknown>(req.nodeSelectorTerms);
    if (list.length === 0) errs.push(required(`${base}.nodeSelectorTerms`, 'must have at least one node selector term'));
    list.forEach((t, i) => terms(`${base}.nodeSelectorTerms[${i}]`, t));
  }
  arrayOf<Record<string, unknown>>(na?.preferredDuringSchedulingIgnoredDuringExecution).forEach((pt, i) => {
    const base = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const w = pt.weight;
    if (typeof w !== 'number' || w < 1 || w > 100) errs.push(invalidValue(`${base}.weight`, w, 'must be in the range 1-100'));
    terms(`${base}.preference`, pt.preference);
  });
  return errs;
}

export interface PodSpecOptions {
  /** Templates of Deployments/ReplicaSets must restart Always and may not set activeDeadlineSeconds. */
  template?: boolean;
}

export function validatePodSpec(path: string, specIn: PodSpec | undefined, opts: PodSpecOptions = {}): FieldError[] {
  if (!isRecord(specIn)) return [required(path)];
  const spec: PodSpec = specIn;
  const errs: FieldError[] = [];
  const volumeNames = new Set<string>();
  arrayOf<Volume>(spec.volumes).forEach((v, i) => errs.push(...validateVolume(`${path}.volumes[${i}]`, v, volumeNames)));
  const ctx: ContainerContext = { volumes: volumeNames, names: new Set(), hostPorts: new Set(), isInit: true };
  arrayOf<Container>(spec.initContainers).forEach((c, i) => errs.push(...validateContainer(`${path}.initContainers[${i}]`, c, ctx)));
  ctx.isInit = false;
  const containers = arrayOf<Container>(spec.containers);
  if (containers.length === 0) errs.push(required(`${path}.containers`));
  containers.forEach((c, i) => errs.push(...validateContainer(`${path}.containers[${i}]`, c, ctx)));

  if (opts.template) {
    errs.push(...oneOf(`${path}.restartPolicy`, spec.restartPolicy, ['Always']));
    if (spec.activeDeadlineSeconds !== undefined) errs.push(forbidden(`${path}.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  } else {
    errs.push(...oneOf(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  }
  errs.push(...oneOf(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  errs.push(...nonNegative(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  if (spec.activeDeadlineSeconds !== undefined && !opts.template) {
    const v = spec.activeDeadlineSeconds;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2147483647) {
      errs.push(invalidValue(`${path}.activeDeadlineSeconds`, v, 'must be between 1 and 2147483647, inclusive'));
    }
  }
  errs.push(...validateLabels(`${path}.nodeSelector`, spec.nodeSelector));
  if (spec.nodeName) for (const m of isDNS1123Subdomain(spec.nodeName)) errs.push(invalidValue(`${path}.nodeName`, spec.nodeName, m));
  if (spec.hostname) for (const m of isDNS1123Label(spec.hostname)) errs.push(invalidValue(`${path}.hostname`, spec.hostname, m));
  if (spec.subdomain) for (const m of isDNS1123Label(spec.subdomain)) errs.push(invalidValue(`${path}.subdomain`, spec.subdomain, m));
  if (spec.serviceAccountName) for (const m of isDNS1123Subdomain(spec.serviceAccountName)) errs.push(invalidValue(`${path}.serviceAccountName`, spec.serviceAccountName, m));
  if (spec.schedulerName !== undefined && spec.schedulerName !== '' && typeof spec.schedulerName === 'string') {
    for (const m of isDNS1123Subdomain(spec.schedulerName)) errs.push(invalidValue(`${path}.schedulerName`, spec.schedulerName, m));
  }
  errs.push(...validateTolerations(`${path}.tolerations`, spec.tolerations));
  errs.push(...validateAffinity(`${path}.affinity`, spec.affinity));
  arrayOf<{ ip?: string; hostnames?: string[] }>(spec.hostAliases).forEach((a, i) => {
    if (!a.ip || !isValidIP(a.ip)) errs.push(invalidValue(`${path}.hostAliases[${i}].ip`, a.ip ?? '', 'must be valid IP address'));
  });
  const sc = spec.securityContext;
  if (isRecord(sc)) {
    errs.push(...nonNegative(`${path}.securityContext.runAsUser`, sc.runAsUser));
    errs.push(...nonNegative(`${path}.securityContext.runAsGroup`, sc.runAsGroup));
    errs.push(...nonNegative(`${path}.securityContext.fsGroup`, sc.fsGroup));
  }
  return errs;
}
