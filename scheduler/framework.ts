// One scheduling decision: run the filters over the nodes (stopping once enough feasible nodes are
// found, like kube-scheduler's percentageOfNodesToScore), score the feasible ones, pick the best with a
// random tie-break. Pure apart from the random source; allocation-free per node in the hot loop.
import type { FilterPlugin, NodeInfo, PodInfo, ScorePlugin } from './types.js';

export interface Profile {
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
  /** 0 = adaptive (Kubernetes' default), else a fixed percentage of nodes to find feasible */
  percentageOfNodesToScore: number;
}

export type Decision =
  | { kind: 'bind'; node: string; feasible: number; evaluated: number }
  | { kind: 'unschedulable'; totalNodes: number; reasons: Map<string, number> };

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/** How many feasible nodes to look for among `total` (kube-scheduler's numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(total: number, percentage: number): number {
  if (total < MIN_FEASIBLE_NODES || percentage >= 100) return total;
  let pct = percentage;
  if (pct <= 0) {
    pct = 50 - total / 125;
    if (pct < MIN_FEASIBLE_PERCENTAGE) pct = MIN_FEASIBLE_PERCENTAGE;
  }
  const n = Math.floor((total * pct) / 100);
  return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}

export class DecisionMaker {
  private feasible: NodeInfo[] = [];
  private totals = new Float64Array(0);
  private pluginScores = new Float64Array(0);
  private nextStart = 0;
  private readonly filters: FilterPlugin[] = [];
  private readonly scores: ScorePlugin[] = [];

  constructor(
    private readonly profile: Profile,
    private readonly random: () => number = Math.random,
  ) {}

  decide(pod: PodInfo, nodes: readonly NodeInfo[]): Decision {
    const total = nodes.length;
    if (total === 0) return { kind: 'unschedulable', totalNodes: 0, reasons: new Map() };
    const want = numFeasibleNodesToFind(total, this.profile.percentageOfNodesToScore);
    this.filters.length = 0;
    for (const f of this.profile.filters) if (!f.skip?.(pod)) this.filters.push(f);
    this.scores.length = 0;
    for (const sc of this.profile.scores) if (!sc.skip?.(pod)) this.scores.push(sc);
    const feasible = this.feasible;
    feasible.length = 0;
    let reasons: Map<string, number> | undefined;
    let evaluated = 0;
    const start = this.nextStart % total;
    for (let i = 0; i < total && feasible.length < want; i++) {
      const node = nodes[(start + i) % total];
      evaluated++;
      const failed = this.runFilters(pod, node);
      if (failed === undefined) {
        feasible.push(node);
      } else {
        reasons ??= new Map();
        for (const r of failed) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      }
    }
    // the next pod starts where this one stopped, so the whole cluster gets looked at over time
    this.nextStart = (start + evaluated) % total;
    if (feasible.length === 0) return { kind: 'unschedulable', totalNodes: total, reasons: reasons ?? new Map() };
    const node = feasible.length === 1 ? feasible[0] : this.pickBest(pod, feasible);
    const result: Decision = { kind: 'bind', node: node.name, feasible: feasible.length, evaluated };
    feasible.length = 0;
    return result;
  }

  private runFilters(pod: PodInfo, node: NodeInfo): string[] | undefined {
    const filters = this.filters;
    for (let i = 0; i < filters.length; i++) {
      const r = filters[i].filter(pod, node);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  private pickBest(pod: PodInfo, feasible: readonly NodeInfo[]): NodeInfo {
    const n = feasible.length;
    if (this.totals.length < n) {
      this.totals = new Float64Array(n * 2);
      this.pluginScores = new Float64Array(n * 2);
    }
    const totals = this.totals;
    const scores = this.pluginScores;
    totals.fill(0, 0, n);
    for (const plugin of this.scores) {
      for (let i = 0; i < n; i++) scores[i] = plugin.score(pod, feasible[i]);
      plugin.normalize?.(pod, scores, n);
      for (let i = 0; i < n; i++) totals[i] += scores[i] * plugin.weight;
    }
    // reservoir sampling among the nodes sharing the best score: a uniform random tie-break
    let best = 0;
    let ties = 1;
    for (let i = 1; i < n; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return feasible[best];
  }
}
