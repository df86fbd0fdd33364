import { describe, expect, it } from 'vitest';
import type { Node } from '../../api/types/core.js';
import { desiredRoutes, planRoutes } from '../../kubelet/routes/pod-cidr-routes.js';
import { parseIpRouteJson } from '../../kubelet/routes/route-table.js';

const node = (name: string, ip: string | undefined, cidr: string | undefined): Node => ({
  metadata: { name },
  spec: cidr ? { podCIDR: cidr } : {},
  status: ip ? { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } : {},
});

describe('desiredRoutes', () => {
  it('routes every other node’s pod CIDR via its InternalIP, never its own', () => {
    const nodes = [node('a', '10.0.0.1', '10.244.0.0/24'), node('b', '10.0.0.2', '10.244.1.0/24'), node('c', '10.0.0.3', '10.244.2.0/24')];
    expect(desiredRoutes('a', nodes)).toEqual([
      { cidr: '10.244.1.0/24', via: '10.0.0.2' },
      { cidr: '10.244.2.0/24', via: '10.0.0.3' },
    ]);
  });

  it('skips nodes without a pod CIDR or an InternalIP yet', () => {
    const nodes = [node('a', '10.0.0.1', '10.244.0.0/24'), node('b', undefined, '10.244.1.0/24'), node('c', '10.0.0.3', undefined)];
    expect(desiredRoutes('a', nodes)).toEqual([]);
  });

  it('prefers podCIDRs and keeps one address family per route', () => {
    const n = node('b', '10.0.0.2', undefined);
    n.spec = { podCIDRs: ['10.244.1.0/24', 'fd00:1::/64'] };
    expect(desiredRoutes('a', [n])).toEqual([{ cidr: '10.244.1.0/24', via: '10.0.0.2' }]);
  });
});

describe('planRoutes', () => {
  const cases: { name: string; desired: [string, string][]; installed: [string, string][]; replace: [string, string][]; remove: [string, string][] }[] = [
    { name: 'nothing installed yet', desired: [['10.244.1.0/24', '10.0.0.2']], installed: [], replace: [['10.244.1.0/24', '10.0.0.2']], remove: [] },
    { name: 'already in step', desired: [['10.244.1.0/24', '10.0.0.2']], installed: [['10.244.1.0/24', '10.0.0.2']], replace: [], remove: [] },
    { name: 'node moved to a new IP', desired: [['10.244.1.0/24', '10.0.0.9']], installed: [['10.244.1.0/24', '10.0.0.2']], replace: [['10.244.1.0/24', '10.0.0.9']], remove: [] },
    { name: 'node went away', desired: [], installed: [['10.244.1.0/24', '10.0.0.2']], replace: [], remove: [['10.244.1.0/24', '10.0.0.2']] },
  ];
  const routes = (xs: [string, string][]) => xs.map(([cidr, via]) => ({ cidr, via }));
  for (const c of cases) {
    it(c.name, () => {
      expect(planRoutes(routes(c.desired), routes(c.installed))).toEqual({ replace: routes(c.replace), remove: routes(c.remove) });
    });
  }
});

describe('parseIpRouteJson', () => {
  it('reads destination and gateway from `ip -j route`', () => {
    const json = '[{"dst":"10.244.1.0/24","gateway":"10.0.0.2","dev":"eth0","protocol":"97","flags":[]}]';
    expect(parseIpRouteJson(json)).toEqual([{ cidr: '10.244.1.0/24', via: '10.0.0.2' }]);
    expect(parseIpRouteJson('')).toEqual([]);
  });
});
