// One container of a pod → CRI ContainerConfig: image, command/args (with $(VAR) expansion), env,
// mounts of the pod's volumes, resources, security context, labels that let a restarted kubelet
// adopt it, and its log path `<container>/<attempt>.log`.
import { isAbsolute, join, normalize } from 'node:path';
import type { Container, Pod, PodStatus } from '../../api/types/core.js';
import {
  ANNOTATION_CONTAINER_HASH,
  ANNOTATION_GRACE_PERIOD,
  ANNOTATION_RESTART_COUNT,
  LABEL_CONTAINER_NAME,
  LABEL_CONTAINER_TYPE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
} from '../cri/labels.js';
import type { ContainerConfig, Mount } from '../cri/runtime-service.js';
import { containerHash } from '../pod-sync/container-hash.js';
import { ContainerConfigError } from './config-error.js';
import { containerResources } from './container-resources.js';
import { containerSecurity } from './container-security.js';
import { expandVars, resolveEnv, type EnvContext } from './env-resolver.js';

export interface ContainerConfigInput extends EnvContext {
  container: Container;
  isInit: boolean;
  attempt: number;
  /** host path of each pod volume, by volume name */
  volumePaths: ReadonlyMap<string, string>;
  /** volumes that could not be set up on this node, with why */
  volumeErrors: ReadonlyMap<string, string>;
  qosClass: PodStatus['qosClass'];
}

export function containerLogPath(name: string, attempt: number): string {
  return `${name}/${attempt}.log`;
}

function mountsOf(input: ContainerConfigInput): Mount[] {
  const { container: c, volumePaths } = input;
  return (c.volumeMounts ?? []).map((vm, i) => {
    const field = `spec.containers[${c.name}].volumeMounts[${i}]`;
    const failed = input.volumeErrors.get(vm.name);
    if (failed) throw new ContainerConfigError(`volume "${vm.name}": ${failed}`);
    const host = volumePaths.get(vm.name);
    if (host === undefined) throw new ContainerConfigError(`${field}.name: volume "${vm.name}" not found in the pod's volumes`);
    if (!isAbsolute(vm.mountPath)) throw new ContainerConfigError(`${field}.mountPath: must be absolute, got "${vm.mountPath}"`);
    let hostPath = host;
    if (vm.subPath) {
      const sub = normalize(vm.subPath);
      if (isAbsolute(sub) || sub.startsWith('..')) throw new ContainerConfigError(`${field}.subPath: must be a relative path inside the volume, got "${vm.subPath}"`);
      hostPath = join(host, sub);
    }
    const propagation =
      vm.mountPropagation === 'Bidirectional' ? 'PROPAGATION_BIDIRECTIONAL' : vm.mountPropagation === 'HostToContainer' ? 'PROPAGATION_HOST_TO_CONTAINER' : 'PROPAGATION_PRIVATE';
    return { container_path: vm.mountPath, host_path: hostPath, readonly: vm.readOnly ?? false, propagation };
  });
}

export function buildContainerConfig(pod: Pod, input: ContainerConfigInput): ContainerConfig {
  const c = input.container;
  if (!c.image) throw new ContainerConfigError(`spec.containers[${c.name}].image: required`);
  const env = resolveEnv(c, input);
  const m = pod.metadata;
  return {
    metadata: { name: c.name, attempt: input.attempt },
    image: { image: c.image },
    command: (c.command ?? []).map((s) => expandVars(s, env)),
    args: (c.args ?? []).map((s) => expandVars(s, env)),
    working_dir: c.workingDir ?? '',
    envs: [...env].map(([key, value]) => ({ key, value })),
    mounts: mountsOf(input),
    labels: {
      [LABEL_POD_UID]: m.uid ?? '',
      [LABEL_POD_NAME]: m.name ?? '',
      [LABEL_POD_NAMESPACE]: m.namespace ?? '',
      [LABEL_CONTAINER_NAME]: c.name,
      [LABEL_CONTAINER_TYPE]: input.isInit ? 'init' : 'app',
    },
    annotations: {
      [ANNOTATION_RESTART_COUNT]: String(input.attempt),
      [ANNOTATION_CONTAINER_HASH]: containerHash(c),
      [ANNOTATION_GRACE_PERIOD]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
    },
    log_path: containerLogPath(c.name, input.attempt),
    stdin: c.stdin ?? false,
    stdin_once: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: {
      resources: containerResources(c, input.qosClass, input.nodeMemoryBytes),
      security_context: containerSecurity(pod, c),
    },
  };
}
