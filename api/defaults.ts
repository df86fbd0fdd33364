// Defaulting, as Kubernetes' SetDefaults_* functions (plus the admission defaults every cluster
// has: DefaultTolerationSeconds) fill in an object before it is validated and stored. In place.
import type { ResourceInfo } from './resources.js';
import type { KubeObject } from './types/meta.js';
import type { Container, Namespace, Node, Pod, PodSpec, Probe, Service, Toleration, Volume, HTTPGetAction } from './types/core.js';
import type { Deployment, ReplicaSet } from './types/apps.js';
import { podQosClass } from './pod-helpers.js';

type Defaulter = (obj: KubeObject) => void;

/** `:latest` or no tag → Always; a pinned tag or a digest → IfNotPresent. */
export function defaultImagePullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'Always';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > lastSlash ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHttpGet(h: HTTPGetAction | undefined): void {
  if (!h) return;
  h.path ??= '/';
  h.scheme ??= 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHttpGet(p.httpGet);
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHttpGet(c.lifecycle?.postStart?.httpGet);
  defaultHttpGet(c.lifecycle?.preStop?.httpGet);
}

function defaultVolume(v: Volume): void {
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.configMap) v.configMap.defaultMode ??= 0o644;
  if (v.secret) v.secret.defaultMode ??= 0o644;
  if (!v.hostPath && !v.configMap && !v.secret && !v.emptyDir) {
    const others = Object.keys(v).filter((k) => k !== 'name');
    if (others.length === 0) v.emptyDir = {}; // Kubernetes: a volume with no source is an emptyDir
  }
}

/** SetDefaults_PodSpec: what every pod spec gets, in pods and in templates. */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

export const DEFAULT_TOLERATION_SECONDS = 300;
const NODE_NOT_READY = 'node.kubernetes.io/not-ready';
const NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** The admission plugin's own test: any toleration for the key (or for every key) with NoExecute or any effect. */
function toleratesNoExecute(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some(
    (t) => (t.key === key || t.key === undefined || t.key === '') && (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute'),
  );
}

/** The DefaultTolerationSeconds admission plugin: tolerate not-ready/unreachable for 300s. */
function defaultTolerations(spec: PodSpec): void {
  const tolerations = spec.tolerations ?? [];
  for (const key of [NODE_NOT_READY, NODE_UNREACHABLE]) {
    if (!toleratesNoExecute(tolerations, key)) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
  spec.tolerations = tolerations;
}

/**
 * SetDefaults_Pod and the Priority admission plugin (pods only, not templates): requests default to
 * limits, host-network pods publish their ports on the host, service links on, priority 0.
 */
function defaultPodOnly(spec: PodSpec): void {
  spec.enableServiceLinks ??= true;
  if (spec.priorityClassName === undefined) spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (limits && Object.keys(limits).length) {
      const requests = (c.resources!.requests ??= {});
      for (const [k, v] of Object.entries(limits)) requests[k] ??= v;
    }
    if (spec.hostNetwork) for (const p of c.ports ?? []) p.hostPort ??= p.containerPort;
  }
}

const defaultPod: Defaulter = (obj) => {
  const pod = obj as unknown as Pod;
  if (!pod.spec) return;
  defaultPodOnly(pod.spec);
  defaultPodSpec(pod.spec);
  defaultTolerations(pod.spec);
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= podQosClass(pod);
};

const defaultDeployment: Defaulter = (obj) => {
  const d = obj as unknown as Deployment;
  if (!d.spec) return;
  d.spec.replicas ??= 1;
  const strategy = (d.spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  defaultPodSpec(d.spec.template?.spec);
};

const defaultReplicaSet: Defaulter = (obj) => {
  const rs = obj as unknown as ReplicaSet;
  if (!rs.spec) return;
  rs.spec.replicas ??= 1;
  defaultPodSpec(rs.spec.template?.spec);
};

const defaultService: Defaulter = (obj) => {
  const svc = obj as unknown as Service;
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  svc.status ??= { loadBalancer: {} };
};

const defaultNamespace: Defaulter = (obj) => {
  const ns = obj as unknown as Namespace;
  const spec = (ns.spec ??= {});
  spec.finalizers ??= ['kubernetes'];
  const status = (ns.status ??= {});
  status.phase ??= 'Active';
};

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
const defaultNode: Defaulter = (obj) => {
  const node = obj as unknown as Node;
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
};

const DEFAULTERS: Record<string, Defaulter> = {
  '/pods': defaultPod,
  'apps/deployments': defaultDeployment,
  'apps/replicasets': defaultReplicaSet,
  '/services': defaultService,
  '/namespaces': defaultNamespace,
  '/nodes': defaultNode,
  // Events and Leases have no defaults in Kubernetes.
};

/** Fills in Kubernetes' defaults for the object's kind, in place. */
export function applyDefaults(info: Pick<ResourceInfo, 'group' | 'resource'>, obj: KubeObject): void {
  DEFAULTERS[`${info.group}/${info.resource}`]?.(obj);
}
