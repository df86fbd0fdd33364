// Container + pod securityContext → CRI LinuxContainerSecurityContext.
import type { Container, Pod } from '../../api/types/core.js';
import type { LinuxContainerSecurityContext } from '../cri/runtime-service.js';
import { ContainerConfigError } from './config-error.js';
import { namespaceOptions } from './sandbox-config.js';

function capName(c: string): string {
  const up = c.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

export function containerSecurity(pod: Pod, c: Container): LinuxContainerSecurityContext {
  const psc = pod.spec?.securityContext;
  const sc = c.securityContext;
  const runAsUser = sc?.runAsUser ?? psc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? psc?.runAsGroup;
  const runAsNonRoot = sc?.runAsNonRoot ?? psc?.runAsNonRoot;
  if (runAsNonRoot && runAsUser === 0) {
    throw new ContainerConfigError(`container "${c.name}": runAsNonRoot is set but runAsUser is 0 (root)`);
  }
  if (runAsNonRoot && runAsUser === undefined) {
    throw new ContainerConfigError(`container "${c.name}": runAsNonRoot is set but no runAsUser is given, so the image's user (possibly root) cannot be verified`);
  }
  return {
    capabilities: { add_capabilities: (sc?.capabilities?.add ?? []).map(capName), drop_capabilities: (sc?.capabilities?.drop ?? []).map(capName) },
    privileged: sc?.privileged ?? false,
    namespace_options: namespaceOptions(pod),
    ...(runAsUser !== undefined ? { run_as_user: { value: runAsUser } } : {}),
    ...(runAsGroup !== undefined ? { run_as_group: { value: runAsGroup } } : {}),
    readonly_rootfs: sc?.readOnlyRootFilesystem ?? false,
    supplemental_groups: [...(psc?.supplementalGroups ?? []), ...(psc?.fsGroup !== undefined ? [psc.fsGroup] : [])],
    no_new_privs: sc?.allowPrivilegeEscalation === false,
  };
}
