// Node health from its Lease, pure: a node whose lease has not been renewed (as observed on our own
// clock) for the grace period is Unknown and gets the unreachable NoExecute taint; a renewed lease
// takes the taint away again.
import type { Node, NodeCondition, Taint } from '../../api/types/index.js';

export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready';

export interface NodeHealthInput {
  node: Node;
  /** when we last saw the lease (or node status heartbeat) change, ms on our clock */
  lastRenewalObservedAt: number;
  now: number;
  gracePeriodMs: number;
}

export interface NodeHealthDecision {
  /** new status conditions (all Unknown) when the node just went silent */
  conditions?: NodeCondition[];
  /** the taints to write when they change */
  taints?: Taint[];
  becameUnknown: boolean;
  recovered: boolean;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function decideNodeHealth(i: NodeHealthInput): NodeHealthDecision {
  const taints = i.node.spec?.taints ?? [];
  const hasTaint = taints.some((t) => t.key === UNREACHABLE_TAINT_KEY && t.effect === 'NoExecute');
  const silent = i.now - i.lastRenewalObservedAt > i.gracePeriodMs;
  const conds = i.node.status?.conditions ?? [];
  if (silent) {
    const ready = conds.find((c) => c.type === 'Ready');
    const decision: NodeHealthDecision = { becameUnknown: false, recovered: false };
    if (ready?.status !== 'Unknown') {
      const t = iso(i.now);
      const base: NodeCondition[] = conds.length > 0 ? conds : [{ type: 'Ready', status: 'Unknown' }];
      decision.conditions = base.map((c) => ({
        ...c,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : t,
      }));
      decision.becameUnknown = true;
    }
    if (!hasTaint) {
      decision.taints = [...taints, { key: UNREACHABLE_TAINT_KEY, effect: 'NoExecute', timeAdded: iso(i.now) }];
    }
    return decision;
  }
  if (hasTaint) {
    return {
      taints: taints.filter((t) => t.key !== UNREACHABLE_TAINT_KEY),
      becameUnknown: false,
      recovered: true,
    };
  }
  return { becameUnknown: false, recovered: false };
}
