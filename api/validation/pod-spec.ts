// PodSpec validation (Kubernetes' ValidatePodSpec), shared by pods and the templates of Deployments
// and ReplicaSets. Field paths and messages as Kubernetes prints them.
import { type FieldError, duplicate, forbidden, invalidValue, required } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue } from '../names.js';
import type { Container, PodSpec, Toleration, Volume } from '../types/core.js';
import { arrayOf, isRecord, nonNegative, oneOf, validateLabels, validateQuantity } from './checks.js';
import { type ContainerContext, validateContainer } from './container.js';

const RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'configMap', 'secret'] as const;

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
      if (t.value) for (const m of isValidLabelValue(String(t.value))) errs.push(invalidValue(`${p}.value`, t.value, m));
    } else {
      errs.push(...oneOf(`${p}.operator`, t.operator, ['Equal', 'Exists']));
    }
    errs.push(...oneOf(`${p}.effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
  });
  return errs;
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
