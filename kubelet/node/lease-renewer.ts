// The node's heartbeat Lease in `kube-node-lease` (name = node name), renewed every 10 s with a
// 40 s duration, owned by the Node so it goes when the Node goes.
import type { Logger } from 'pino';
import type { Lease } from '../../api/types/apps.js';
import type { KubeObject } from '../../api/types/meta.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/api-error.js';
import { microTime } from '../../client/micro-time.js';
import type { ResourceClient } from '../../client/types.js';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;

type LeaseObject = Lease & KubeObject;

export interface LeaseRenewerOptions {
  leases: ResourceClient<LeaseObject>;
  namespaces: ResourceClient<KubeObject>;
  nodeName: string;
  /** the Node's UID for the owner reference, when known */
  nodeUid: () => string | undefined;
  log: Logger;
}

export class LeaseRenewer {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: LeaseRenewerOptions) {}

  private desired(existing?: LeaseObject): LeaseObject {
    const uid = this.o.nodeUid();
    return {
      ...(existing ?? {}),
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...(existing?.metadata ?? {}),
        name: this.o.nodeName,
        namespace: LEASE_NAMESPACE,
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid }] } : {}),
      },
      spec: { holderIdentity: this.o.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime() },
    } as LeaseObject;
  }

  async renew(): Promise<void> {
    const { leases, nodeName } = this.o;
    try {
      const current = await leases.get(LEASE_NAMESPACE, nodeName);
      await leases.update(LEASE_NAMESPACE, this.desired(current));
    } catch (err) {
      if (isConflict(err) && !isAlreadyExists(err)) return; // someone wrote in between; next tick
      if (!isNotFound(err)) throw err;
      try {
        await leases.create(LEASE_NAMESPACE, this.desired());
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // the namespace itself is missing
        await this.o.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LEASE_NAMESPACE } }).catch((x: unknown) => {
          if (!isAlreadyExists(x)) throw x;
        });
        await leases.create(LEASE_NAMESPACE, this.desired());
      }
    }
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.renew();
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, 'lease renewal failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), LEASE_RENEW_MS);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
