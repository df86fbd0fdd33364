import { describe, expect, it } from 'vitest';
import { DecisionMaker, numFeasibleNodesToFind } from '../../scheduler/framework.js';
import { defaultProfile } from '../../scheduler/default-profile.js';
import { failureMessage } from '../../scheduler/failure-message.js';
import { nodeInfo, pod } from './builders.js';

describe('numFeasibleNodesToFind', () => {
  it.each([
    [50, 0, 50],
    [100, 0, 100],
    [1000, 0, 420],
    [5000, 0, 500],
    [20000, 0, 1000],
    [5000, 1, 100],
    [5000, 100, 5000],
  ])('%i nodes at %i%% → %i', (total, pct, want) => {
    expect(numFeasibleNodesToFind(total, pct)).toBe(want);
  });
});

describe('failureMessage', () => {
  it('sorts the counted reasons like kube-scheduler', () => {
    const m = new Map([
      ["node(s) didn't match Pod's node affinity/selector", 2],
      ['Insufficient cpu', 1],
    ]);
    expect(failureMessage(3, m)).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.");
  });
  it('says so when there are no nodes', () => {
    expect(failureMessage(0, new Map())).toBe('no nodes available to schedule pods');
  });
});

describe('DecisionMaker', () => {
  it('reports every reason when no node fits', () => {
    const d = new DecisionMaker(defaultProfile());
    const nodes = [
      nodeInfo('a', { cpu: '1' }),
      nodeInfo('b', { labels: { disk: 'hdd' } }),
      nodeInfo('c', { labels: { disk: 'hdd' } }),
    ];
    const r = d.decide(pod('p', { nodeSelector: { disk: 'ssd' } }, { cpu: '2' }), nodes);
    expect(r.kind).toBe('unschedulable');
    if (r.kind !== 'unschedulable') return;
    // node a fails the selector first (filters stop at the first failing plugin)
    expect(failureMessage(r.totalNodes, r.reasons)).toBe("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
  });

  it('counts resources and affinity separately', () => {
    const d = new DecisionMaker(defaultProfile());
    const nodes = [nodeInfo('a', { cpu: '1', labels: { disk: 'ssd' } }), nodeInfo('b'), nodeInfo('c')];
    const r = d.decide(pod('p', { nodeSelector: { disk: 'ssd' } }, { cpu: '2' }), nodes);
    expect(r.kind === 'unschedulable' && failureMessage(r.totalNodes, r.reasons)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.",
    );
  });

  it('picks the only feasible node', () => {
    const d = new DecisionMaker(defaultProfile());
    const nodes = [nodeInfo('a', { ready: false }), nodeInfo('b', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), nodeInfo('c')];
    expect(d.decide(pod('p'), nodes)).toMatchObject({ kind: 'bind', node: 'c' });
  });

  it('picks the highest score', () => {
    const d = new DecisionMaker(defaultProfile());
    const nodes = [nodeInfo('busy', {}, { scoreRequestedCpuMilli: 3000, scoreRequestedMemoryBytes: 6 * 1024 ** 3 }), nodeInfo('idle')];
    for (let i = 0; i < 10; i++) expect(d.decide(pod('p'), nodes)).toMatchObject({ node: 'idle' });
  });

  it('breaks ties at random', () => {
    let flip = 0;
    const d = new DecisionMaker(defaultProfile(), () => (flip++ % 2 === 0 ? 0.9 : 0.1));
    const nodes = [nodeInfo('a'), nodeInfo('b')];
    const picked = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = d.decide(pod('p'), nodes);
      if (r.kind === 'bind') picked.add(r.node);
    }
    expect(picked).toEqual(new Set(['a', 'b']));
  });

  it('stops after enough feasible nodes in a big cluster', () => {
    const d = new DecisionMaker(defaultProfile());
    const nodes = Array.from({ length: 5000 }, (_, i) => nodeInfo(`n${i}`));
    const r = d.decide(pod('p'), nodes);
    expect(r).toMatchObject({ kind: 'bind', feasible: 500, evaluated: 500 });
    // the next decision starts where this one stopped
    const r2 = d.decide(pod('q'), nodes);
    expect(r2.kind === 'bind' && Number(r2.node.slice(1))).toBeGreaterThanOrEqual(500);
  });
});
