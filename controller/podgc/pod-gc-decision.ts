// Pod garbage collection, pure: pods bound to nodes that no longer exist, terminating pods that
// were never scheduled, and finished pods beyond the threshold (oldest first).
import type { Pod } from '../../api/types/index.js';

export interface PodGcVictim {
  pod: Pod;
  reason: 'orphaned' | 'unscheduledTerminating' | 'terminated';
}

function created(p: Pod): number {
  const t = p.metadata.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : NaN;
  return Number.isFinite(t) ? t : 0;
}

export function decidePodGc(pods: readonly Pod[], nodeExists: (name: string) => boolean, terminatedThreshold: number): PodGcVictim[] {
  const out: PodGcVictim[] = [];
  const terminated: Pod[] = [];
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (node && !nodeExists(node)) {
      out.push({ pod: p, reason: 'orphaned' });
      continue;
    }
    if (!node && p.metadata.deletionTimestamp) {
      out.push({ pod: p, reason: 'unscheduledTerminating' });
      continue;
    }
    const phase = p.status?.phase;
    if ((phase === 'Succeeded' || phase === 'Failed') && !p.metadata.deletionTimestamp) terminated.push(p);
  }
  if (terminatedThreshold > 0 && terminated.length > terminatedThreshold) {
    terminated.sort((a, b) => created(a) - created(b));
    for (const p of terminated.slice(0, terminated.length - terminatedThreshold)) out.push({ pod: p, reason: 'terminated' });
  }
  return out;
}
