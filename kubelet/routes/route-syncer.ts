// Keeps the node's host-gw routes in step with the Node objects: wakes on every node change and
// applies the plan. Level-triggered: a restart recomputes everything from the node list.
import type { Node } from '../../api/types/core.js';
import { desiredRoutes, planRoutes } from './pod-cidr-routes.js';
import type { RouteTable } from './route-table.js';

export interface RouteSyncerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class RouteSyncer {
  private pending = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly selfName: string,
    private readonly listNodes: () => Node[],
    private readonly table: RouteTable,
    private readonly log: RouteSyncerLog,
  ) {}

  /** asks for a sync; concurrent requests collapse into one more pass */
  trigger(): Promise<void> {
    this.pending = true;
    if (!this.running) {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      try {
        await this.syncOnce();
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'pod CIDR route sync failed');
      }
    }
  }

  async syncOnce(): Promise<void> {
    const plan = planRoutes(desiredRoutes(this.selfName, this.listNodes()), await this.table.list());
    for (const r of plan.remove) {
      await this.table.remove(r);
      this.log.info(r, 'removed pod CIDR route');
    }
    for (const r of plan.replace) {
      await this.table.replace(r);
      this.log.info(r, 'installed pod CIDR route');
    }
  }

  /** removes every route Skiff installed (node shutdown) */
  async removeAll(): Promise<void> {
    for (const r of await this.table.list()) await this.table.remove(r);
  }
}
