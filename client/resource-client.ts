// ResourceClient over HTTP for one resource of api/resources.ts: paths from `resourcePath`,
// query parameters as Kubernetes names them, patch content types by PatchType.
import { apiVersionOf, resourcePath, type ResourceInfo } from '../api/resources.js';
import type { DeleteOptions, KubeObject, List, Status, WatchEvent } from '../api/types/meta.js';
import { apiErrorFromStatus } from './api-error.js';
import type { HttpRequest, QueryValue } from './http-transport.js';
import type { ListOptions, PatchType, ResourceClient, Watch, WatchOptions, WriteOptions } from './types.js';
import { WatchLineParser } from './watch-stream.js';
import type { IncomingMessage } from 'node:http';

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** What a ResourceClient needs from the ApiClient: buffered JSON requests and streams. */
export interface RequestSender {
  request<R>(req: HttpRequest): Promise<R>;
  openStream(req: HttpRequest): { response: Promise<IncomingMessage>; abort: () => void };
  readonly defaultFieldManager?: string;
}

export function listQuery(opts: ListOptions | undefined): Record<string, QueryValue> {
  return {
    labelSelector: opts?.labelSelector,
    fieldSelector: opts?.fieldSelector,
    resourceVersion: opts?.resourceVersion,
    limit: opts?.limit,
    continue: opts?.continue,
  };
}

function writeQuery(opts: WriteOptions | undefined): Record<string, QueryValue> {
  return { fieldManager: opts?.fieldManager, dryRun: opts?.dryRun ? 'All' : undefined };
}

function nameOf(obj: KubeObject, what: string): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${what}: metadata.name: Required value`);
  return name;
}

export class HttpResourceClient<T extends KubeObject = KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly sender: RequestSender,
    readonly info: ResourceInfo,
  ) {}

  private path(namespace: string | undefined, name?: string, subresource?: string): string {
    return resourcePath(this.info, namespace, name, subresource);
  }

  private withType(obj: T): T {
    if (obj.kind && obj.apiVersion) return obj;
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(this.info), kind: obj.kind ?? this.info.kind };
  }

  async list(namespace?: string, opts?: ListOptions): Promise<List<T>> {
    const list = await this.sender.request<List<T>>({ method: 'GET', path: this.path(namespace), query: listQuery(opts) });
    list.items = (list.items ?? []).map((i) => this.withType(i));
    return list;
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.sender.request<T>({ method: 'GET', path: this.path(namespace, name) });
  }

  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.sender.request<T>({ method: 'POST', path: this.path(namespace), query: writeQuery(opts), body: this.withType(obj) });
  }

  update(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    const name = nameOf(obj, `update ${this.info.resource}`);
    return this.sender.request<T>({ method: 'PUT', path: this.path(namespace, name), query: writeQuery(opts), body: this.withType(obj) });
  }

  updateStatus(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    const name = nameOf(obj, `update ${this.info.resource}/status`);
    return this.sender.request<T>({
      method: 'PUT',
      path: this.path(namespace, name, 'status'),
      query: writeQuery(opts),
      body: this.withType(obj),
    });
  }

  patch(
    namespace: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T> {
    const contentType = patchContentTypes[type];
    if (!contentType) throw new Error(`patch type: unsupported value ${JSON.stringify(type)}`);
    const query = writeQuery(opts);
    if (type === 'apply') {
      query.fieldManager = opts?.fieldManager ?? this.sender.defaultFieldManager;
      if (!query.fieldManager) throw new Error('fieldManager: Required value for an apply patch');
      query.force = opts?.force ? 'true' : undefined;
    }
    return this.sender.request<T>({
      method: 'PATCH',
      path: this.path(namespace, name, opts?.subresource),
      query,
      body: patch,
      contentType,
    });
  }

  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status> {
    return this.sender.request<T | Status>({ method: 'DELETE', path: this.path(namespace, name), body: opts ?? {} });
  }

  deleteCollection(namespace: string | undefined, opts?: ListOptions & DeleteOptions): Promise<unknown> {
    const { labelSelector, fieldSelector, resourceVersion, limit, continue: cont, ...deleteOpts } = opts ?? {};
    return this.sender.request<unknown>({
      method: 'DELETE',
      path: this.path(namespace),
      query: listQuery({ labelSelector, fieldSelector, resourceVersion, limit, continue: cont }),
      body: deleteOpts,
    });
  }

  createSubresource(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown> {
    return this.sender.request<unknown>({ method: 'POST', path: this.path(namespace, name, subresource), body });
  }

  getSubresource(namespace: string | undefined, name: string, subresource: string): Promise<unknown> {
    return this.sender.request<unknown>({ method: 'GET', path: this.path(namespace, name, subresource), accept: 'application/json, */*' });
  }

  watch(namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Watch {
    const { response, abort } = this.sender.openStream({
      method: 'GET',
      path: this.path(namespace),
      query: {
        ...listQuery(opts),
        watch: 'true',
        allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
        timeoutSeconds: opts.timeoutSeconds,
      },
    });
    let settled = false;
    let stopRequested = false;
    let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
    const done = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // a caller that never awaits `done` must not crash the process with an unhandled rejection
    done.catch(() => undefined);
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      abort();
      if (err === undefined || stopRequested) settle?.resolve();
      else settle?.reject(err);
    };
    const deliver = (events: WatchEvent<T>[]): void => {
      for (const ev of events) {
        if (settled) return;
        if (ev.type === 'ERROR') {
          finish(apiErrorFromStatus(ev.object as unknown as Status));
          return;
        }
        onEvent(ev);
      }
    };
    response.then(
      (res) => {
        const parser = new WatchLineParser<T>();
        res.on('data', (chunk: Buffer) => {
          try {
            deliver(parser.push(chunk));
          } catch (e) {
            finish(e);
          }
        });
        res.on('end', () => {
          try {
            deliver(parser.end());
            finish();
          } catch (e) {
            finish(e);
          }
        });
        res.on('error', (e) => finish(e));
        res.on('close', () => finish(res.complete ? undefined : new Error(`watch ${this.info.resource}: connection closed mid-stream`)));
      },
      (err: unknown) => finish(err),
    );
    return {
      stop: () => {
        stopRequested = true;
        finish();
      },
      done,
    };
  }
}
