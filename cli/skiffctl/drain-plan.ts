// Which pods `drain` deletes, as kubectl decides: mirror pods are left alone; DaemonSet pods
// need --ignore-daemonsets (and are then skipped); pods no controller owns need --force; pods
// with emptyDir data need --delete-emptydir-data. Pure.
import type { Pod } from '../../api/types/core.js';

export interface DrainOptions {
  force: boolean;
  ignoreDaemonsets: boolean;
  deleteEmptyDirData: boolean;
}

export interface DrainPlan {
  delete: Pod[];
  /** warnings printed before deleting (ignored DaemonSet pods, forced unmanaged pods) */
  warnings: string[];
  /** when not empty, nothing is deleted: the reasons kubectl prints */
  errors: string[];
}

function ref(p: Pod): string {
  return `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
}

export function planDrain(pods: Pod[], o: DrainOptions): DrainPlan {
  const plan: DrainPlan = { delete: [], warnings: [], errors: [] };
  const unmanaged: string[] = [];
  const daemonSet: string[] = [];
  const emptyDir: string[] = [];
  for (const p of pods) {
    if (p.metadata.annotations?.['kubernetes.io/config.mirror']) continue;
    const phase = p.status?.phase;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    const controller = p.metadata.ownerReferences?.find((r) => r.controller);
    if (controller?.kind === 'DaemonSet' && !finished) {
      daemonSet.push(ref(p));
      continue;
    }
    if (!controller && !finished) unmanaged.push(ref(p));
    if (!finished && (p.spec?.volumes ?? []).some((v) => v.emptyDir)) emptyDir.push(ref(p));
    plan.delete.push(p);
  }
  if (daemonSet.length > 0) {
    if (o.ignoreDaemonsets) plan.warnings.push(`ignoring DaemonSet-managed Pods: ${daemonSet.join(', ')}`);
    else plan.errors.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemonSet.join(', ')}`);
  }
  if (unmanaged.length > 0) {
    if (o.force) plan.warnings.push(`deleting Pods that declare no controller: ${unmanaged.join(', ')}`);
    else plan.errors.push(`cannot delete Pods that declare no controller (use --force to override): ${unmanaged.join(', ')}`);
  }
  if (emptyDir.length > 0 && !o.deleteEmptyDirData) {
    plan.errors.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${emptyDir.join(', ')}`);
  }
  return plan;
}
