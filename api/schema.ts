import type { ResourceInfo } from './resources.js';
// The known fields of every kind Skiff serves, written once as data: their JSON types and, for
// lists, how strategic merge patch and server-side apply treat them (atomic, a set, or keyed by a
// merge key, as Kubernetes' `patchStrategy`/`patchMergeKey`/`listType` tags say). Strict field
// validation, strategic merge patch and managedFields all read this one description.

export type ScalarKind = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'any';

export type Schema =
  | { t: 'scalar'; kind: ScalarKind }
  | { t: 'object'; fields: Readonly<Record<string, Schema>>; retainKeys?: boolean }
  | { t: 'map'; values: Schema }
  | { t: 'list'; items: Schema; strategy: 'atomic' | 'set' | 'merge'; key?: string };

const scalar = (kind: ScalarKind): Schema => ({ t: 'scalar', kind });
const str = scalar('string');
const int = scalar('integer');
const bool = scalar('boolean');
const ios = scalar('int-or-string');
const qty = scalar('quantity');
const anyValue = scalar('any');
const obj = (fields: Record<string, Schema>, opts: { retainKeys?: boolean } = {}): Schema => ({ t: 'object', fields, ...opts });
const map = (values: Schema): Schema => ({ t: 'map', values });
const atomic = (items: Schema): Schema => ({ t: 'list', items, strategy: 'atomic' });
const set = (items: Schema): Schema => ({ t: 'list', items, strategy: 'set' });
const keyed = (key: string, items: Schema): Schema => ({ t: 'list', items, strategy: 'merge', key });

const strings = atomic(str);
const stringMap = map(str);
const resourceList = map(qty);

const ownerReference = obj({ apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool });

export const OBJECT_META = obj({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: str,
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: keyed('uid', ownerReference),
  finalizers: set(str),
  managedFields: atomic(
    obj({ manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: anyValue, subresource: str }),
  ),
});

const condition = obj({ type: str, status: str, observedGeneration: int, lastTransitionTime: str, lastUpdateTime: str, lastProbeTime: str, reason: str, message: str });
const labelSelector = obj({
  matchLabels: stringMap,
  matchExpressions: atomic(obj({ key: str, operator: str, values: strings })),
});

const execAction = obj({ command: strings });
const httpGet = obj({ path: str, port: ios, host: str, scheme: str, httpHeaders: atomic(obj({ name: str, value: str })) });
const tcpSocket = obj({ port: ios, host: str });
const probe = obj({
  exec: execAction,
  httpGet,
  tcpSocket,
  initialDelaySeconds: int,
  timeoutSeconds: int,
  periodSeconds: int,
  successThreshold: int,
  failureThreshold: int,
  terminationGracePeriodSeconds: int,
});
const lifecycleHandler = obj({ exec: execAction, httpGet, tcpSocket });

const keyRef = obj({ name: str, key: str, optional: bool });
const container = obj({
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  ports: keyed('containerPort', obj({ name: str, containerPort: int, hostPort: int, hostIP: str, protocol: str })),
  env: keyed(
    'name',
    obj({
      name: str,
      value: str,
      valueFrom: obj({
        fieldRef: obj({ apiVersion: str, fieldPath: str }),
        resourceFieldRef: obj({ containerName: str, resource: str, divisor: qty }),
        configMapKeyRef: keyRef,
        secretKeyRef: keyRef,
      }),
    }),
  ),
  resources: obj({ limits: resourceList, requests: resourceList }),
  volumeMounts: keyed('mountPath', obj({ name: str, mountPath: str, readOnly: bool, subPath: str, mountPropagation: str })),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: obj({ postStart: lifecycleHandler, preStop: lifecycleHandler }),
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: obj({
    capabilities: obj({ add: strings, drop: strings }),
    privileged: bool,
    runAsUser: int,
    runAsGroup: int,
    runAsNonRoot: bool,
    readOnlyRootFilesystem: bool,
    allowPrivilegeEscalation: bool,
  }),
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

const keyToPath = atomic(obj({ key: str, path: str, mode: int }));
const volume = obj(
  {
    name: str,
    hostPath: obj({ path: str, type: str }),
    emptyDir: obj({ medium: str, sizeLimit: qty }),
    configMap: obj({ name: str, items: keyToPath, defaultMode: int, optional: bool }),
    secret: obj({ secretName: str, items: keyToPath, defaultMode: int, optional: bool }),
  },
  { retainKeys: true },
);

const nodeSelectorRequirement = obj({ key: str, operator: str, values: strings });
const nodeSelectorTerm = obj({ matchExpressions: atomic(nodeSelectorRequirement), matchFields: atomic(nodeSelectorRequirement) });
const podAffinityTerm = obj({ labelSelector, namespaces: strings, topologyKey: str });
const podAffinityRules = obj({ requiredDuringSchedulingIgnoredDuringExecution: atomic(podAffinityTerm) });

export const POD_SPEC = obj({
  containers: keyed('name', container),
  initContainers: keyed('name', container),
  volumes: keyed('name', volume),
  restartPolicy: str,
  terminationGracePeriodSeconds: int,
  activeDeadlineSeconds: int,
  dnsPolicy: str,
  nodeSelector: stringMap,
  serviceAccountName: str,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: obj({
    runAsUser: int,
    runAsGroup: int,
    runAsNonRoot: bool,
    supplementalGroups: atomic(int),
    fsGroup: int,
    sysctls: atomic(obj({ name: str, value: str })),
  }),
  hostname: str,
  subdomain: str,
  affinity: obj({
    nodeAffinity: obj({
      requiredDuringSchedulingIgnoredDuringExecution: obj({ nodeSelectorTerms: atomic(nodeSelectorTerm) }),
      preferredDuringSchedulingIgnoredDuringExecution: atomic(obj({ weight: int, preference: nodeSelectorTerm })),
    }),
    podAffinity: podAffinityRules,
    podAntiAffinity: podAffinityRules,
  }),
  schedulerName: str,
  tolerations: atomic(obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int })),
  hostAliases: keyed('ip', obj({ ip: str, hostnames: strings })),
  priority: int,
  priorityClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
});

const containerState = obj({
  waiting: obj({ reason: str, message: str }),
  running: obj({ startedAt: str }),
  terminated: obj({ exitCode: int, signal: int, reason: str, message: str, startedAt: str, finishedAt: str, containerID: str }),
});
const containerStatus = obj({
  name: str,
  state: containerState,
  lastState: containerState,
  ready: bool,
  restartCount: int,
  image: str,
  imageID: str,
  containerID: str,
  started: bool,
});
const podIPs = keyed('ip', obj({ ip: str }));

const POD_STATUS = obj({
  phase: str,
  conditions: keyed('type', condition),
  message: str,
  reason: str,
  hostIP: str,
  hostIPs: podIPs,
  podIP: str,
  podIPs,
  startTime: str,
  initContainerStatuses: atomic(containerStatus),
  containerStatuses: atomic(containerStatus),
  qosClass: str,
  nominatedNodeName: str,
});

const POD_TEMPLATE = obj({ metadata: OBJECT_META, spec: POD_SPEC });

function topLevel(fields: Record<string, Schema>): Schema {
  return obj({ apiVersion: str, kind: str, metadata: OBJECT_META, ...fields });
}

const POD = topLevel({ spec: POD_SPEC, status: POD_STATUS });

const NODE = topLevel({
  spec: obj({
    podCIDR: str,
    podCIDRs: set(str),
    providerID: str,
    unschedulable: bool,
    taints: atomic(obj({ key: str, value: str, effect: str, timeAdded: str })),
  }),
  status: obj({
    capacity: resourceList,
    allocatable: resourceList,
    phase: str,
    conditions: keyed('type', obj({ type: str, status: str, lastHeartbeatTime: str, lastTransitionTime: str, reason: str, message: str })),
    addresses: keyed('type', obj({ type: str, address: str })),
    daemonEndpoints: obj({ kubeletEndpoint: obj({ Port: int }) }),
    nodeInfo: obj({
      machineID: str,
      systemUUID: str,
      bootID: str,
      kernelVersion: str,
      osImage: str,
      containerRuntimeVersion: str,
      kubeletVersion: str,
      kubeProxyVersion: str,
      operatingSystem: str,
      architecture: str,
    }),
    images: atomic(obj({ names: strings, sizeBytes: int })),
  }),
});

const NAMESPACE = topLevel({ spec: obj({ finalizers: strings }), status: obj({ phase: str, conditions: keyed('type', condition) }) });

const objectReference = obj({ kind: str, namespace: str, name: str, uid: str, apiVersion: str, resourceVersion: str, fieldPath: str });
const EVENT = topLevel({
  involvedObject: objectReference,
  reason: str,
  message: str,
  source: obj({ component: str, host: str }),
  firstTimestamp: str,
  lastTimestamp: str,
  eventTime: str,
  count: int,
  type: str,
  reportingComponent: str,
  reportingInstance: str,
  action: str,
});

const SERVICE = topLevel({
  spec: obj({
    type: str,
    selector: stringMap,
    ports: keyed('port', obj({ name: str, protocol: str, port: int, targetPort: ios, nodePort: int })),
    clusterIP: str,
    clusterIPs: atomic(str),
    sessionAffinity: str,
  }),
  status: obj({ loadBalancer: anyValue }),
});

const DEPLOYMENT = topLevel({
  spec: obj({
    replicas: int,
    selector: labelSelector,
    template: POD_TEMPLATE,
    strategy: obj({ type: str, rollingUpdate: obj({ maxUnavailable: ios, maxSurge: ios }) }, { retainKeys: true }),
    minReadySeconds: int,
    revisionHistoryLimit: int,
    paused: bool,
    progressDeadlineSeconds: int,
  }),
  status: obj({
    observedGeneration: int,
    replicas: int,
    updatedReplicas: int,
    readyReplicas: int,
    availableReplicas: int,
    unavailableReplicas: int,
    conditions: keyed('type', condition),
    collisionCount: int,
  }),
});

const REPLICA_SET = topLevel({
  spec: obj({ replicas: int, minReadySeconds: int, selector: labelSelector, template: POD_TEMPLATE }),
  status: obj({
    replicas: int,
    fullyLabeledReplicas: int,
    readyReplicas: int,
    availableReplicas: int,
    observedGeneration: int,
    conditions: keyed('type', condition),
  }),
});

const LEASE = topLevel({
  spec: obj({ holderIdentity: str, leaseDurationSeconds: int, acquireTime: str, renewTime: str, leaseTransitions: int }),
});

const SCALE = topLevel({ spec: obj({ replicas: int }), status: obj({ replicas: int, selector: str }) });
const BINDING = topLevel({ target: objectReference });

const BY_KIND: Readonly<Record<string, Schema>> = {
  'v1/Pod': POD,
  'v1/Node': NODE,
  'v1/Namespace': NAMESPACE,
  'v1/Event': EVENT,
  'v1/Service': SERVICE,
  'v1/Binding': BINDING,
  'apps/v1/Deployment': DEPLOYMENT,
  'apps/v1/ReplicaSet': REPLICA_SET,
  'coordination.k8s.io/v1/Lease': LEASE,
  'autoscaling/v1/Scale': SCALE,
};

/** The schema of a top-level kind, e.g. `schemaFor('apps/v1', 'Deployment')`. */
export function schemaFor(apiVersion: string, kind: string): Schema | undefined {
  return BY_KIND[`${apiVersion}/${kind}`];
}

/** The schema of a field inside an object schema (undefined when unknown). */
export function fieldSchema(s: Schema | undefined, field: string): Schema | undefined {
  return s?.t === 'object' ? s.fields[field] : s?.t === 'map' ? s.values : undefined;
}

/** The schema of a served resource's objects. */
export function schemaForResource(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): Schema | undefined {
  return schemaFor(info.group ? `${info.group}/${info.version}` : info.version, info.kind);
}
