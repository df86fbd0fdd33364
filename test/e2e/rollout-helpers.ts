// Helpers for the rollout end-to-end tests: a Deployment manifest, waiting for a rollout, and a
// watcher that checks maxSurge / maxUnavailable on every pod event.
import type { Deployment, DeploymentStrategy, KubeObject, Pod } from '../../api/types/index.js';
import type { ApiClient } from '../../client/rest-client.js';
import type { Watch } from '../../client/types.js';
import { eventually } from '../fixtures/control-plane.js';

export type DeployObj = Deployment & KubeObject;
export type PodObj = Pod & KubeObject;

export function webDeployment(name: string, replicas: number, image: string, strategy: DeploymentStrategy): DeployObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy,
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }], terminationGracePeriodSeconds: 1 },
      },
    },
  };
}

export async function waitRolledOut(api: ApiClient, name: string, timeoutMs = 60_000): Promise<DeployObj> {
  const c = api.resource<DeployObj>('deployments');
  let last: DeployObj | undefined;
  return eventually(async () => {
    const d = await c.get('default', name);
    last = d;
    const s = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    const done =
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      s.updatedReplicas === want &&
      s.replicas === want &&
      s.availableReplicas === want;
    return done ? d : undefined;
  }, timeoutMs, `deployment ${name} to roll out`).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}; last seen generation ${last?.metadata.generation}, status ${JSON.stringify(last?.status)}`);
  });
}

function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Watches the deployment's pods from `rv` and records every moment the bounds are broken. */
export class RolloutWatcher {
  readonly pods = new Map<string, PodObj>();
  readonly violations: string[] = [];
  maxSeen = 0;
  minAvailableSeen = Number.POSITIVE_INFINITY;
  private watch: Watch | undefined;

  constructor(
    private readonly maxPods: () => number,
    private readonly minAvailable: () => number,
  ) {}

  async start(api: ApiClient, app: string): Promise<void> {
    const c = api.resource<PodObj>('pods');
    const list = await c.list('default', { labelSelector: `app=${app}` });
    for (const p of list.items) this.pods.set(p.metadata.name ?? '', p);
    this.watch = c.watch('default', { labelSelector: `app=${app}`, resourceVersion: list.metadata.resourceVersion }, (e) => {
      if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
      if (e.type === 'DELETED') this.pods.delete(e.object.metadata.name ?? '');
      else this.pods.set(e.object.metadata.name ?? '', e.object);
      this.check(`${e.type} ${e.object.metadata.name}`);
    });
  }

  check(what: string): void {
    let active = 0;
    let available = 0;
    for (const p of this.pods.values()) {
      if (p.metadata.deletionTimestamp || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      active++;
      if (isReady(p)) available++;
    }
    this.maxSeen = Math.max(this.maxSeen, active);
    this.minAvailableSeen = Math.min(this.minAvailableSeen, available);
    if (active > this.maxPods()) this.violations.push(`${what}: ${active} pods > ${this.maxPods()}`);
    if (available < this.minAvailable()) this.violations.push(`${what}: ${available} available < ${this.minAvailable()}`);
  }

  stop(): void {
    this.watch?.stop();
  }
}

export function imagesOf(pods: Iterable<PodObj>): string[] {
  return [...pods].filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec?.containers[0].image ?? '');
}
