// Pod spec → CRI PodSandboxConfig: metadata, hostname, log directory, host ports, namespaces
// (hostNetwork, hostPID, hostIPC, shareProcessNamespace), pod-level security context, labels.
import { join } from 'node:path';
import type { Pod } from '../../api/types/core.js';
import { ANNOTATION_GRACE_PERIOD, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from '../cri/labels.js';
import type { NamespaceOption, PodSandboxConfig, PortMapping } from '../cri/runtime-service.js';

export interface SandboxConfigOptions {
  rootDir: string;
  /** the node's hostname, used for hostNetwork pods */
  nodeHostname: string;
  /** parent of every pod cgroup (`<cgroupRoot>/pod<uid>`); empty: the runtime's default */
  cgroupRoot?: string;
}

export function podLogDirectory(rootDir: string, pod: Pod): string {
  const m = pod.metadata;
  return join(rootDir, 'logs', 'pods', `${m.namespace}_${m.name}_${m.uid}`);
}

export function podGracePeriodSeconds(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

export function namespaceOptions(pod: Pod): NamespaceOption {
  const spec = pod.spec;
  return {
    network: spec?.hostNetwork ? 'NODE' : 'POD',
    pid: spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: spec?.hostIPC ? 'NODE' : 'POD',
  };
}

export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: p.protocol ?? 'TCP', container_port: p.containerPort, host_port: p.hostPort, host_ip: p.hostIP ?? '' });
    }
  }
  return out;
}

export function sandboxLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [LABEL_POD_UID]: pod.metadata.uid ?? '',
    [LABEL_POD_NAME]: pod.metadata.name ?? '',
    [LABEL_POD_NAMESPACE]: pod.metadata.namespace ?? '',
  };
}

function hostnameOf(pod: Pod, opts: SandboxConfigOptions): string {
  if (pod.spec?.hostNetwork) return opts.nodeHostname;
  return (pod.spec?.hostname ?? pod.metadata.name ?? '').slice(0, 63).replace(/[-.]+$/, '');
}

export function buildSandboxConfig(pod: Pod, attempt: number, opts: SandboxConfigOptions): PodSandboxConfig {
  const m = pod.metadata;
  const psc = pod.spec?.securityContext;
  const sysctls = Object.fromEntries((psc?.sysctls ?? []).map((s) => [s.name, s.value]));
  return {
    metadata: { name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '', attempt },
    hostname: hostnameOf(pod, opts),
    log_directory: podLogDirectory(opts.rootDir, pod),
    port_mappings: portMappings(pod),
    labels: sandboxLabels(pod),
    annotations: { ...(m.annotations ?? {}), [ANNOTATION_GRACE_PERIOD]: String(pod.spec?.terminationGracePeriodSeconds ?? 30) },
    linux: {
      cgroup_parent: opts.cgroupRoot ? `${opts.cgroupRoot}/pod${m.uid}` : '',
      sysctls,
      security_context: {
        namespace_options: namespaceOptions(pod),
        ...(psc?.runAsUser !== undefined ? { run_as_user: { value: psc.runAsUser } } : {}),
        ...(psc?.runAsGroup !== undefined ? { run_as_group: { value: psc.runAsGroup } } : {}),
        supplemental_groups: [...(psc?.supplementalGroups ?? []), ...(psc?.fsGroup !== undefined ? [psc.fsGroup] : [])],
        privileged: (pod.spec?.containers ?? []).some((c) => c.securityContext?.privileged === true),
      },
    },
  };
}
