// The columns `kubectl get` shows for each kind (Kubernetes' internal printers), as column
// definitions plus a function from an object to its cells. Kinds without a printer get NAME AGE.
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, TableColumnDefinition } from '../../api/types/meta.js';
import type { Event, Node, Pod, Service } from '../../api/types/core.js';
import type { Deployment, Lease, ReplicaSet } from '../../api/types/apps.js';
import { podDisplay } from '../../api/pod-helpers.js';
import { formatLabelSelector } from '../../api/selectors/label-selector.js';
import { age } from '../../api/human-duration.js';

export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: Date): unknown[];
}

const NAME: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const AGE: TableColumnDefinition = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 };

function col(name: string, type = 'string', priority = 0, description = ''): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}

const none = (v: string | undefined | null): string => (v ? v : '<none>');

function podCells(o: KubeObject, now: Date): unknown[] {
  const pod = o as Pod;
  const d = podDisplay(pod);
  const restarts = d.lastRestartTime ? `${d.restarts} (${age(d.lastRestartTime, now)} ago)` : String(d.restarts);
  const gates = (pod.spec as { readinessGates?: { conditionType: string }[] } | undefined)?.readinessGates ?? [];
  let gatesCell = '<none>';
  if (gates.length) {
    const conds = pod.status?.conditions ?? [];
    const ready = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === 'True')).length;
    gatesCell = `${ready}/${gates.length}`;
  }
  return [
    pod.metadata.name, d.ready, d.status, restarts, age(pod.metadata.creationTimestamp, now),
    none(pod.status?.podIP), none(pod.spec?.nodeName), none(pod.status?.nominatedNodeName), gatesCell,
  ];
}

interface TemplateOwner {
  spec?: { template?: { spec?: { containers?: { name: string; image?: string }[] } }; selector?: Parameters<typeof formatLabelSelector>[0] };
}

function containersImagesSelector(o: TemplateOwner): string[] {
  const cs = o.spec?.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(','), formatLabelSelector(o.spec?.selector)];
}

function deploymentCells(o: KubeObject, now: Date): unknown[] {
  const d = o as unknown as Deployment;
  const desired = d.spec?.replicas ?? 0;
  const st = d.status ?? {};
  return [
    d.metadata.name, `${st.readyReplicas ?? 0}/${desired}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0,
    age(d.metadata.creationTimestamp, now), ...containersImagesSelector(d as TemplateOwner),
  ];
}

function replicaSetCells(o: KubeObject, now: Date): unknown[] {
  const rs = o as unknown as ReplicaSet;
  const st = rs.status ?? { replicas: 0 };
  return [
    rs.metadata.name, rs.spec?.replicas ?? 0, st.replicas ?? 0, st.readyReplicas ?? 0,
    age(rs.metadata.creationTimestamp, now), ...containersImagesSelector(rs as TemplateOwner),
  ];
}

function nodeCells(o: KubeObject, now: Date): unknown[] {
  const n = o as Node;
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const states: string[] = [ready ? (ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown') : 'Unknown'];
  if (n.spec?.unschedulable) states.push('SchedulingDisabled');
  const roles: string[] = [];
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.push(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.push(v);
  }
  const addr = (t: string): string => none(n.status?.addresses?.find((a) => a.type === t)?.address);
  const info = n.status?.nodeInfo;
  return [
    n.metadata.name, states.join(','), roles.length ? roles.sort().join(',') : '<none>', age(n.metadata.creationTimestamp, now),
    info?.kubeletVersion ?? '', addr('InternalIP'), addr('ExternalIP'), none(info?.osImage), none(info?.kernelVersion),
    none(info?.containerRuntimeVersion),
  ];
}

function namespaceCells(o: KubeObject, now: Date): unknown[] {
  const phase = (o.status as { phase?: string } | undefined)?.phase ?? '';
  return [o.metadata.name, phase, age(o.metadata.creationTimestamp, now)];
}

function eventCells(o: KubeObject, now: Date): unknown[] {
  const e = o as unknown as Event & { eventTime?: string; series?: { lastObservedTime?: string; count?: number } };
  const last = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  const first = e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  const io = e.involvedObject ?? {};
  const object = `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
  const source = e.source?.component ? (e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component) : '';
  return [
    age(last, now), e.type ?? '', e.reason ?? '', object, e.message ?? '',
    io.fieldPath ?? '', source, age(first, now), e.series?.count ?? e.count ?? 1, e.metadata.name,
  ];
}

function leaseCells(o: KubeObject, now: Date): unknown[] {
  const l = o as unknown as Lease;
  return [l.metadata.name, l.spec?.holderIdentity ?? '', age(l.metadata.creationTimestamp, now)];
}

function serviceCells(o: KubeObject, now: Date): unknown[] {
  const s = o as unknown as Service;
  const spec: NonNullable<Service['spec']> & { externalIPs?: string[] } = s.spec ?? {};
  const ports = (spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
  const ext = spec.externalIPs?.length ? spec.externalIPs.join(',') : spec.type === 'LoadBalancer' ? '<pending>' : '<none>';
  const sel = spec.selector && Object.keys(spec.selector).length
    ? Object.entries(spec.selector).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',')
    : '<none>';
  return [s.metadata.name, spec.type ?? 'ClusterIP', none(spec.clusterIP), ext, ports.length ? ports.join(',') : '<none>', age(s.metadata.creationTimestamp, now), sel];
}

const PRINTERS: Record<string, Printer> = {
  '/pods': {
    columns: [NAME, col('Ready', 'string', 0, 'The aggregate readiness state of this pod for accepting traffic.'), col('Status', 'string', 0, 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 0, 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'), AGE,
      col('IP', 'string', 1, 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'), col('Node', 'string', 1, 'NodeName is a request to schedule this pod onto a specific node.'),
      col('Nominated Node', 'string', 1, 'nominatedNodeName is set only when this pod preempts other pods on the node.'), col('Readiness Gates', 'string', 1, 'If specified, all readiness gates will be evaluated for pod readiness.')],
    cells: podCells,
  },
  'apps/deployments': {
    columns: [NAME, col('Ready', 'string', 0, 'Number of the pod with ready state'), col('Up-to-date', 'integer', 0, 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 0, 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'), AGE,
      col('Containers', 'string', 1, 'Names of each container in the template.'), col('Images', 'string', 1, 'Images referenced by each container in the template.'), col('Selector', 'string', 1, 'Label selector for pods.')],
    cells: deploymentCells,
  },
  'apps/replicasets': {
    columns: [NAME, col('Desired', 'integer', 0, 'Replicas is the number of desired replicas.'), col('Current', 'integer', 0, 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'integer', 0, 'The number of ready replicas for this replica set.'), AGE,
      col('Containers', 'string', 1, 'Names of each container in the template.'), col('Images', 'string', 1, 'Images referenced by each container in the template.'), col('Selector', 'string', 1, 'Selector is a label query over pods that should match the replica count.')],
    cells: replicaSetCells,
  },
  '/nodes': {
    columns: [NAME, col('Status', 'string', 0, 'The status of the node'), col('Roles', 'string', 0, 'The roles of the node'), AGE, col('Version', 'string', 0, 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 1, 'List of addresses reachable to the node. Queried from cloud provider, if available.'), col('External-IP', 'string', 1, 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
      col('OS-Image', 'string', 1, 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'), col('Kernel-Version', 'string', 1, 'Kernel Version reported by the node.'),
      col('Container-Runtime', 'string', 1, 'Container runtime version reported by the node.')],
    cells: nodeCells,
  },
  '/namespaces': {
    columns: [NAME, col('Status', 'string', 0, 'The status of the namespace'), AGE],
    cells: namespaceCells,
  },
  '/events': {
    columns: [col('Last Seen', 'string', 0, 'Time when last event occurred'), col('Type', 'string', 0, 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'string', 0, 'This should be a short, machine understandable string that gives the reason for this event being generated.'), col('Object', 'string', 0, 'The object that this event is about.'),
      col('Message', 'string', 0, 'A human-readable description of the status of this operation.'), col('Subobject', 'string', 1, 'The subobject that this event is about.'),
      col('Source', 'string', 1, 'The component reporting this event.'), col('First Seen', 'string', 1, 'The time at which the event was first recorded.'), col('Count', 'string', 1, 'The number of times this event has occurred.'),
      { ...NAME, priority: 1 }],
    cells: eventCells,
  },
  'coordination.k8s.io/leases': {
    columns: [NAME, col('Holder', 'string', 0, 'The holder of the lease.'), AGE],
    cells: leaseCells,
  },
  '/services': {
    columns: [NAME, col('Type', 'string', 0, 'The type of the service.'), col('Cluster-IP', 'string', 0, 'The cluster IP of the service.'), col('External-IP', 'string', 0, 'The external IP of the service.'),
      col('Port(s)', 'string', 0, 'The ports of the service.'), AGE, col('Selector', 'string', 1, 'Route service traffic to pods with label keys and values matching this selector.')],
    cells: serviceCells,
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [NAME, AGE],
  cells: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)],
};

export function printerFor(info: Pick<ResourceInfo, 'group' | 'resource'>): Printer {
  return PRINTERS[`${info.group}/${info.resource}`] ?? DEFAULT_PRINTER;
}
