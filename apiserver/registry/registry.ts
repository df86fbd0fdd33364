// The generic registry: create/get/list/update/delete of any resource on the ObjectStore, with the
// metadata rules of object-rules.ts and the API hooks; StoreErrors become Kubernetes Status errors.
import { randomUUID } from 'node:crypto';
import { apiVersionOf, RESOURCES, type ResourceInfo } from '../../api/resources.js';
import type { DeleteOptions, KubeObject, List, ListMeta } from '../../api/types/meta.js';
import { alreadyExists, badRequest, conflict, forbidden, gone, invalid, notFound, serviceUnavailable, StatusError } from '../../api/status.js';
import { type ObjectStore, StoreError } from '../storage/object-store.js';
import { collectionPrefix, objectKey } from '../storage/keys.js';
import type { ObjectHooks } from './hooks.js';
import { nameForCreate, planDelete, prepareForCreate, resetStatusForCreate, prepareForUpdate, shouldDeleteAfterUpdate } from './object-rules.js';
import { selectionPredicate, type SelectionOptions } from './selection.js';
import { decodeContinue, encodeContinue } from './continue-token.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  dryRun?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created?: boolean;
}

export interface ListOptions extends SelectionOptions {
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** Lists served from memory (the watch caches); undefined when the cache cannot answer. */
export interface ListCache {
  list(info: ResourceInfo, namespace: string | undefined): Promise<{ revision: number; entries: { object: KubeObject; json: string }[] } | undefined>;
}

/** Answers whether a namespace exists (a cache may stand in front of etcd). */
export interface NamespaceChecker {
  exists(name: string): Promise<boolean>;
}

export function storeErrorToStatus(e: unknown, info: ResourceInfo, name: string): unknown {
  if (!(e instanceof StoreError)) return e;
  switch (e.kind) {
    case 'exists':
      return alreadyExists(info, name);
    case 'notfound':
      return notFound(info, name);
    case 'conflict':
      return conflict(info, name);
    case 'compacted':
      return gone(`too old resource version: ${e.message}`);
    case 'unavailable':
      return serviceUnavailable(e.message);
  }
}

const MAX_UPDATE_RETRIES = 16;

/** As in Kubernetes, these namespaces always exist. */
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export class Registry {
  constructor(
    readonly store: ObjectStore,
    readonly hooks: ObjectHooks,
    private readonly namespaces: NamespaceChecker,
    private readonly listCache?: ListCache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async requireNamespace(info: ResourceInfo, namespace: string | undefined): Promise<void> {
    if (!info.namespaced) return;
    if (!namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (!(await this.namespaces.exists(namespace))) {
      throw new StatusError({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound',
        message: `namespaces ${JSON.stringify(namespace)} not found`, details: { name: namespace, kind: 'namespaces' },
      });
    }
  }

  /** Unknown-field handling per fieldValidation: Strict → 400, Warn → warnings, Ignore → nothing. */
  private checkUnknownFields(info: ResourceInfo, obj: KubeObject, mode: FieldValidation | undefined): string[] {
    const typeErrs = this.hooks.typeErrors(info, obj);
    if (typeErrs.length) {
      throw badRequest(`${info.kind} in version ${JSON.stringify(info.version)} cannot be handled as a ${info.kind}: ${typeErrs.join(', ')}`);
    }
    if (mode === 'Ignore' || mode === undefined) return [];
    const unknown = this.hooks.unknownFields(info, obj);
    if (!unknown.length) return [];
    if (mode === 'Strict') {
      const parts = unknown.map((f) => `unknown field ${JSON.stringify(f)}`);
      throw badRequest(`strict decoding error: ${parts.join(', ')}`);
    }
    return unknown.map((f) => `unknown field ${JSON.stringify(f)}`);
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.store.get(objectKey(info, namespace, name)).catch((e) => {
      throw storeErrorToStatus(e, info, name);
    });
    if (!obj) throw notFound(info, name);
    return obj;
  }

  async list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions): Promise<List<KubeObject>> {
    const page = await this.collect(info, namespace, opts, false);
    return { kind: info.listKind, apiVersion: apiVersionOf(info), metadata: page.metadata, items: page.items };
  }

  /** The list as JSON text, built from the stored JSON without parsing it (except to apply selectors). */
  async listJson(info: ResourceInfo, namespace: string | undefined, opts: ListOptions): Promise<string> {
    const page = await this.collect(info, namespace, opts, true);
    const head = JSON.stringify({ kind: info.listKind, apiVersion: apiVersionOf(info), metadata: page.metadata });
    return `${head.slice(0, -1)},"items":[${page.raws.join(',')}]}`;
  }

  private async collect(info: ResourceInfo, namespace: string | undefined, opts: ListOptions, raw: boolean): Promise<{ items: KubeObject[]; raws: string[]; metadata: ListMeta }> {
    const { predicate, matchesAll } = selectionPredicate(info, { ...opts, namespace });
    const prefix = collectionPrefix(info, namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let startKey: string | undefined;
    let revision = 0;
    if (opts.continue) {
      const tok = decodeContinue(opts.continue, prefix);
      startKey = tok.start;
      revision = tok.rv;
    } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
      const rv = Number(opts.resourceVersion);
      if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resource version: ${JSON.stringify(opts.resourceVersion)}`);
    }
    const items: KubeObject[] = [];
    const raws: string[] = [];
    // Whole lists at the latest (or any) revision come from the watch cache when it is current.
    if (this.listCache && !limit && !opts.continue && (!opts.resourceVersion || opts.resourceVersion === '0')) {
      const cached = await this.listCache.list(info, namespace);
      if (cached) {
        for (const e of cached.entries) {
          if (!matchesAll && !predicate(e.object)) continue;
          if (raw) raws.push(e.json);
          else items.push(e.object);
        }
        return { items, raws, metadata: { resourceVersion: String(cached.revision) } };
      }
    }
    const count = (): number => (raw ? raws.length : items.length);
    let nextKey: string | undefined;
    let remaining = 0;
    try {
      for (;;) {
        const page = await this.store.list(prefix, { limit: limit ? limit - count() : 0, startKey, revision, raw });
        revision = page.revision;
        if (raw) {
          for (const text of page.raws ?? []) if (matchesAll || predicate(JSON.parse(text) as KubeObject)) raws.push(text);
        } else {
          for (const o of page.items) if (matchesAll || predicate(o)) items.push(o);
        }
        nextKey = page.nextKey;
        remaining = page.remaining;
        if (!limit || !nextKey || count() >= limit) break;
        startKey = nextKey;
      }
    } catch (e) {
      if (e instanceof StoreError && e.kind === 'compacted' && opts.continue) {
        throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw storeErrorToStatus(e, info, '');
    }
    const metadata: ListMeta = { resourceVersion: String(revision) };
    if (nextKey) {
      metadata.continue = encodeContinue({ rv: revision, start: nextKey });
      if (matchesAll) metadata.remainingItemCount = remaining;
    }
    return { items, raws, metadata };
  }

  async create(info: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: WriteOptions): Promise<WriteResult> {
    const warnings = this.checkUnknownFields(info, body, opts.fieldValidation);
    const name = nameForCreate(body.metadata);
    if (info.namespaced) body.metadata.namespace = namespace;
    else delete body.metadata.namespace;
    if (name !== undefined) body.metadata.name = name;
    resetStatusForCreate(info, body);
    const defaulted = this.hooks.applyDefaults(info, body);
    const errs = this.hooks.validate(info, defaulted);
    if (errs.length) throw invalid(info, name ?? '', errs);
    await this.requireNamespace(info, namespace);
    const now = this.now();
    let obj = prepareForCreate(info, defaulted, now, randomUUID());
    if (opts.fieldManager) obj = this.hooks.recordUpdate(undefined, obj, opts.fieldManager, now);
    if (opts.dryRun) return { object: obj, warnings, created: true };
    const key = objectKey(info, namespace, name!);
    try {
      return { object: await this.store.create(key, obj), warnings, created: true };
    } catch (e) {
      throw storeErrorToStatus(e, info, name!);
    }
  }

  /**
   * Read-modify-write with optimistic concurrency: `mutate` gets the live object and returns the
   * desired one (already merged); retried on conflicts unless the caller pinned a resourceVersion.
   */
  async guaranteedUpdate(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    mutate: (live: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions & { subresource?: string; preconditionRv?: string },
  ): Promise<WriteResult> {
    const key = objectKey(info, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const live = await this.get(info, namespace, name);
      if (opts.preconditionRv && opts.preconditionRv !== live.metadata.resourceVersion) throw conflict(info, name);
      const desired = await mutate(structuredClone(live));
      const warnings = opts.subresource ? [] : this.checkUnknownFields(info, desired, opts.fieldValidation);
      try {
        const object = await this.writeUpdate(info, key, live, desired, opts);
        return { object, warnings };
      } catch (e) {
        if (e instanceof StoreError && e.kind === 'conflict' && !opts.preconditionRv && attempt < MAX_UPDATE_RETRIES) continue;
        throw storeErrorToStatus(e, info, name);
      }
    }
  }

  private async writeUpdate(
    info: ResourceInfo,
    key: string,
    live: KubeObject,
    desired: KubeObject,
    opts: WriteOptions & { subresource?: string },
  ): Promise<KubeObject> {
    const name = live.metadata.name!;
    let next = prepareForUpdate(info, live, desired, opts.subresource);
    next = this.hooks.applyDefaults(info, next);
    // A binding only assigns spec.nodeName (which ordinary pod updates may not change).
    const errs = opts.subresource === 'binding' ? [] : this.hooks.validate(info, next, live);
    if (errs.length) throw invalid(info, name, errs);
    const now = this.now();
    if (opts.fieldManager) next = this.hooks.recordUpdate(live, next, opts.fieldManager, now, opts.subresource);
    const liveRv = Number(live.metadata.resourceVersion);
    if (opts.dryRun) return { ...next, metadata: { ...next.metadata, resourceVersion: live.metadata.resourceVersion } };
    if (sameStored(live, next)) return live;
    if (shouldDeleteAfterUpdate(info, next)) {
      const written = await this.store.update(key, next, liveRv);
      try {
        return await this.store.delete(key, Number(written.metadata.resourceVersion));
      } catch (e) {
        if (e instanceof StoreError && e.kind !== 'unavailable') return written;
        throw e;
      }
    }
    return this.store.update(key, next, liveRv);
  }

  /** PUT: the body's resourceVersion (when set) is the precondition. */
  async update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: WriteOptions & { subresource?: string },
  ): Promise<WriteResult> {
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const rv = body.metadata.resourceVersion;
    return this.guaranteedUpdate(info, namespace, name, () => body, { ...opts, preconditionRv: rv || undefined });
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<{ object: KubeObject; deleted: boolean }> {
    if (info.group === '' && info.resource === 'namespaces' && UNDELETABLE_NAMESPACES.has(name)) {
      throw forbidden(`namespaces ${JSON.stringify(name)} is forbidden: this namespace may not be deleted`);
    }
    const key = objectKey(info, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const live = await this.get(info, namespace, name);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== live.metadata.uid) {
        throw conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) {
        throw conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`);
      }
      const plan = planDelete(info, live, opts, this.now());
      const dry = Boolean(opts.dryRun?.length);
      try {
        if (plan.action === 'unchanged') return { object: live, deleted: false };
        if (plan.action === 'update') {
          if (dry) return { object: plan.object, deleted: false };
          return { object: await this.store.update(key, plan.object, Number(live.metadata.resourceVersion)), deleted: false };
        }
        if (dry) return { object: live, deleted: true };
        if (info.group === '' && info.resource === 'namespaces') await this.sweepNamespace(name);
        return { object: await this.store.delete(key, Number(live.metadata.resourceVersion)), deleted: true };
      } catch (e) {
        if (e instanceof StoreError && e.kind === 'conflict' && attempt < MAX_UPDATE_RETRIES) continue;
        throw storeErrorToStatus(e, info, name);
      }
    }
  }

  /** Removes every object in a namespace (a synchronous stand-in for the namespace controller). */
  private async sweepNamespace(ns: string): Promise<void> {
    for (const info of RESOURCES) {
      if (!info.namespaced) continue;
      const page = await this.store.list(collectionPrefix(info, ns));
      for (const o of page.items) {
        await this.store.delete(objectKey(info, ns, o.metadata.name!)).catch((e) => {
          if (!(e instanceof StoreError && e.kind === 'notfound')) throw e;
        });
      }
    }
  }

  async deleteCollection(info: ResourceInfo, namespace: string | undefined, listOpts: ListOptions, opts: DeleteOptions): Promise<List<KubeObject>> {
    const list = await this.list(info, namespace, { ...listOpts, limit: 0, continue: undefined });
    const items: KubeObject[] = [];
    for (const o of list.items) {
      try {
        const r = await this.delete(info, o.metadata.namespace, o.metadata.name!, opts);
        items.push(r.object);
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) continue;
        throw e;
      }
    }
    return { ...list, items };
  }
}

function sameStored(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(a) === strip(b);
}


