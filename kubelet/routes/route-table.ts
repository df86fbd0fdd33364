// The side-effecting edge of host-gw routing: Skiff's routes in the main table, marked with their
// own routing protocol number so that Skiff only ever lists, changes or deletes routes it made.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PodCidrRoute } from './pod-cidr-routes.js';

const run = promisify(execFile);

/** rtnetlink protocol id that marks Skiff's routes (`ip route show proto 97`) */
export const SKIFF_ROUTE_PROTO = '97';

export interface RouteTable {
  list(): Promise<PodCidrRoute[]>;
  replace(route: PodCidrRoute): Promise<void>;
  remove(route: PodCidrRoute): Promise<void>;
}

export function parseIpRouteJson(json: string): PodCidrRoute[] {
  const rows = JSON.parse(json || '[]') as { dst?: string; gateway?: string }[];
  return rows.filter((r) => r.dst && r.gateway).map((r) => ({ cidr: r.dst!, via: r.gateway! }));
}

export function ipRouteTable(ipBin = 'ip'): RouteTable {
  return {
    async list() {
      const { stdout } = await run(ipBin, ['-j', 'route', 'show', 'proto', SKIFF_ROUTE_PROTO]);
      return parseIpRouteJson(stdout);
    },
    async replace(route) {
      await run(ipBin, ['route', 'replace', route.cidr, 'via', route.via, 'proto', SKIFF_ROUTE_PROTO]);
    },
    async remove(route) {
      await run(ipBin, ['route', 'del', route.cidr, 'via', route.via, 'proto', SKIFF_ROUTE_PROTO]).catch((err: Error) => {
        if (!/No such process|not found/i.test(String((err as { stderr?: string }).stderr ?? err.message))) throw err;
      });
    },
  };
}
