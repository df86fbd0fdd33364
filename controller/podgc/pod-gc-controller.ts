// Pod garbage collection on a timer: force-deletes pods bound to vanished nodes and unscheduled
// terminating pods, and deletes the oldest finished pods beyond the threshold.
import type { KubeObject, Node, Pod } from '../../api/types/index.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { Informer, ResourceClient } from '../../client/types.js';
import type { Controller, ControllerContext } from '../common/controller-context.js';
import { decidePodGc } from './pod-gc-decision.js';

type PodObj = Pod & KubeObject;
type NodeObj = Node & KubeObject;

export interface PodGcOptions {
  periodMs: number;
  terminatedPodThreshold: number;
}

export class PodGcController implements Controller {
  readonly name = 'pod-gc';
  private readonly pods: Informer<PodObj>;
  private readonly nodes: Informer<NodeObj>;
  private readonly podClient: ResourceClient<PodObj>;
  private readonly nodeClient: ResourceClient<NodeObj>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: PodGcOptions,
  ) {
    this.pods = ctx.informers.get<PodObj>('pods');
    this.nodes = ctx.informers.get<NodeObj>('nodes');
    this.podClient = ctx.client.resource<PodObj>('pods');
    this.nodeClient = ctx.client.resource<NodeObj>('nodes');
  }

  init(): void {}

  async run(): Promise<void> {
    const log = this.ctx.log.child({ controller: this.name });
    while (!this.ctx.signal.aborted) {
      try {
        await this.pass();
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'pod gc pass failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.periodMs);
        this.ctx.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }

  async pass(): Promise<void> {
    const victims = decidePodGc(this.pods.list(), (n) => this.nodes.get(n) !== undefined, this.opts.terminatedPodThreshold);
    for (const v of victims) {
      const p = v.pod;
      if (v.reason === 'orphaned') {
        // the cache may be behind: make sure the node is really gone
        try {
          await this.nodeClient.get(undefined, p.spec?.nodeName ?? '');
          continue;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      const grace = v.reason === 'terminated' ? undefined : 0;
      try {
        await this.podClient.delete(p.metadata.namespace, p.metadata.name ?? '', { gracePeriodSeconds: grace, preconditions: { uid: p.metadata.uid } });
        this.ctx.log.info({ pod: `${p.metadata.namespace}/${p.metadata.name}`, reason: v.reason }, 'pod garbage collected');
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
  }
}
