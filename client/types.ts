// The client library's contract. Every component above the CRI line talks to the apiserver only
// through these interfaces; client/rest-client.ts, informer.ts and work-queue.ts implement them.
import type { DeleteOptions, KubeObject, List, Status, WatchEvent } from '../api/types/meta.js';

export interface ClientConfig {
  /** https://127.0.0.1:6443 */
  server: string;
  token?: string;
  /** PEM of the CA that signed the server's certificate */
  caData?: string;
  insecureSkipTLSVerify?: boolean;
  /** User-Agent and the fieldManager default */
  userAgent?: string;
  /** timeout of an ordinary (non-streaming) request in ms; default 60 s */
  requestTimeoutMs?: number;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  limit?: number;
  continue?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface WriteOptions {
  fieldManager?: string;
  /** for server-side apply */
  force?: boolean;
  dryRun?: boolean;
}

export interface Watch {
  /** ends the stream; `done` then resolves */
  stop(): void;
  /** resolves when the stream ends (server closed, stop(), or error: rejects with ApiError on a 410) */
  done: Promise<void>;
}

/** Typed access to one resource. `namespace` is ignored for cluster-scoped resources. */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  list(namespace?: string, opts?: ListOptions): Promise<List<T>>;
  get(namespace: string | undefined, name: string): Promise<T>;
  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT of the whole object (metadata.resourceVersion is the precondition) */
  update(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT to the status subresource */
  updateStatus(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  patch(
    namespace: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T>;
  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection(namespace: string | undefined, opts?: ListOptions & DeleteOptions): Promise<unknown>;
  watch(namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Watch;
  /** POST to a subresource, e.g. pods/binding */
  createSubresource(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown>;
  getSubresource(namespace: string | undefined, name: string, subresource: string): Promise<unknown>;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** re-deliver every cached object as an update this often (0: never) */
  resyncMs?: number;
}

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerHandlers<T> {
  add?: (obj: T) => void;
  update?: (oldObj: T, newObj: T) => void;
  /** for a delete, the last known state */
  delete?: (obj: T) => void;
}

export interface Informer<T extends KubeObject = KubeObject> {
  addHandlers(h: InformerHandlers<T>): void;
  /** lists, then watches from the list's resourceVersion; resolves once the first list is cached */
  start(): Promise<void>;
  stop(): void;
  hasSynced(): boolean;
  /** key is `namespace/name`, or `name` for cluster-scoped objects */
  get(key: string): T | undefined;
  list(): T[];
  /** built-in indexes: 'namespace' and 'nodeName' (spec.nodeName) */
  byIndex(index: 'namespace' | 'nodeName', value: string): T[];
  /** resourceVersion of the last event or list seen */
  lastResourceVersion(): string;
}

export interface WorkQueue<K = string> {
  add(key: K): void;
  addAfter(key: K, delayMs: number): void;
  /** adds after the per-key exponential back-off (base doubling up to max) */
  addRateLimited(key: K): void;
  /** resets the key's back-off */
  forget(key: K): void;
  /** waits for a key; undefined once shut down. A key is never handed out twice at once. */
  get(): Promise<K | undefined>;
  /** marks processing finished; a key re-added during processing is queued again */
  done(key: K): void;
  len(): number;
  shutdown(): void;
}
