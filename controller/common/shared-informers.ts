// One informer per resource, shared by every controller in the process (one list+watch each).
import type { KubeObject } from '../../api/types/index.js';
import type { ApiClient } from '../../client/rest-client.js';
import { createInformer } from '../../client/informer.js';
import type { Informer } from '../../client/types.js';

export class SharedInformers {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(private readonly client: ApiClient) {}

  get<T extends KubeObject>(resource: string): Informer<T> {
    let inf = this.informers.get(resource);
    if (!inf) {
      inf = createInformer(this.client.resource<KubeObject>(resource));
      this.informers.set(resource, inf);
    }
    return inf as unknown as Informer<T>;
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
  }
}
