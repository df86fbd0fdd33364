// The pod phase from its container statuses, as Kubernetes' kubelet computes it (getPhase).
import type { ContainerStatus, Pod, PodPhase } from '../../api/types/core.js';

export function podPhase(pod: Pod, initStatuses: ContainerStatus[], appStatuses: ContainerStatus[], initialized: boolean): PodPhase {
  const prev = pod.status?.phase;
  // terminal phases are final
  if (prev === 'Succeeded' || prev === 'Failed') return prev;
  const policy = pod.spec?.restartPolicy ?? 'Always';

  if (!initialized) {
    const failedInit = initStatuses.some((s) => s.state?.terminated && s.state.terminated.exitCode !== 0);
    if (failedInit && policy === 'Never') return 'Failed';
    return 'Pending';
  }

  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of appStatuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
