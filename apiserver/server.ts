// startApiServer: PKI, tokens and kubeconfig in the data dir; storage on etcd (a managed child when no
// etcd servers are given); the HTTPS listener (and an optional plain-HTTP test listener); the
// built-in namespaces.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { findByResource, RESOURCES, type ResourceInfo } from '../api/resources.js';
import { EtcdStore } from './storage/etcd-store.js';
import { StoreError } from './storage/object-store.js';
import { startManagedEtcd, type ManagedEtcd } from './storage/managed-etcd.js';
import { WatchCacheRegistry } from './storage/watch-cache.js';
import { Compactor } from './storage/compactor.js';
import { collectionPrefix, objectKey, resourcePrefix } from './storage/keys.js';
import { ensurePki } from './pki.js';
import { ensureAdminToken, TokenFileAuthenticator } from './auth/token-file.js';
import { writeKubeconfig } from './kubeconfig.js';
import { Registry } from './registry/registry.js';
import { prepareForCreate } from './registry/object-rules.js';
import { NamespaceCache } from './namespace-cache.js';
import { Metrics } from './metrics.js';
import { apiHooks } from './api-hooks.js';
import { buildApp } from './http/app.js';
import type { ApiContext } from './api-context.js';

export interface ApiServerOptions {
  dataDir: string;
  /** etcd endpoints; none: start a managed etcd with its data in DATA_DIR/etcd */
  etcdServers?: string[];
  /** 6443 by default; 0 picks a free port */
  securePort?: number;
  /** 0.0.0.0 by default */
  bindAddress?: string;
  /** added to the serving certificate's SANs */
  advertiseAddress?: string;
  extraSans?: string[];
  /** `127.0.0.1:0`: a plain-HTTP listener where every request is the admin (tests only) */
  insecureBind?: string;
  logger?: Logger;
  bookmarkIntervalMs?: number;
  /** compact etcd history this often (default 5 minutes; 0: never) */
  compactionIntervalMs?: number;
}

export interface ApiServerHandle {
  /** https://127.0.0.1:PORT */
  url: string;
  insecureUrl?: string;
  token: string;
  caPem: string;
  kubeconfigPath: string;
  /** the etcd endpoints in use */
  etcdServers: string[];
  close(): Promise<void>;
}

const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensureNamespaces(registry: Registry): Promise<void> {
  const info = findByResource('', 'namespaces')!;
  for (const name of BUILTIN_NAMESPACES) {
    const obj = prepareForCreate(info, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, new Date(), randomUUID());
    try {
      await registry.store.create(objectKey(info, undefined, name), obj);
    } catch (e) {
      if (!(e instanceof StoreError && e.kind === 'exists')) throw e;
    }
  }
}

function splitHostPort(hp: string, what: string): { host: string; port: number } {
  const i = hp.lastIndexOf(':');
  const port = Number(hp.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${what}: invalid value ${JSON.stringify(hp)}: expected HOST:PORT`);
  return { host: hp.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServerHandle> {
  const log = opts.logger ?? pino({ name: 'apiserver', level: process.env.SKIFF_LOG_LEVEL ?? 'info' });
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  let insecureAddr: { host: string; port: number } | undefined;
  if (opts.insecureBind) {
    insecureAddr = splitHostPort(opts.insecureBind, '--insecure-bind');
    if (!['127.0.0.1', 'localhost', '::1'].includes(insecureAddr.host)) throw new Error(`--insecure-bind: invalid value ${JSON.stringify(opts.insecureBind)}: only loopback addresses are allowed`);
  }
  const extraSans = [...(opts.extraSans ?? []), ...(opts.advertiseAddress ? [opts.advertiseAddress] : [])];
  const pki = ensurePki(opts.dataDir, extraSans);
  const { file: tokenFile, adminToken } = ensureAdminToken(opts.dataDir);
  const authenticator = new TokenFileAuthenticator(tokenFile, (e) => log.warn({ err: e }, 'cannot reload tokens.json; keeping the previous tokens'));

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch((e) => log.warn({ err: e }, 'cleanup failed'));
    cleanups.length = 0;
  };
  try {
    let etcdServers = opts.etcdServers?.filter(Boolean) ?? [];
    let managed: ManagedEtcd | undefined;
    if (!etcdServers.length) {
      managed = await startManagedEtcd({ dataDir: path.join(opts.dataDir, 'etcd'), onLog: (line) => log.debug({ etcd: line }, 'etcd') });
      cleanups.push(() => managed!.stop());
      etcdServers = [managed.endpoint];
      log.info({ endpoint: managed.endpoint, pid: managed.pid }, 'started managed etcd');
    }
    const store = new EtcdStore(etcdServers);
    cleanups.push(() => store.close());
    const watchCaches = new WatchCacheRegistry(store);
    cleanups.push(async () => watchCaches.stop());
    const namespaces = new NamespaceCache(store, watchCaches);
    const listCache = {
      list: (info: ResourceInfo, ns: string | undefined) => watchCaches.forPrefix(resourcePrefix(info)).list(collectionPrefix(info, ns)),
    };
    const registry = new Registry(store, apiHooks(), namespaces, listCache);
    // Every resource's watch cache runs from the start, as Kubernetes' do.
    await Promise.all(RESOURCES.map((info) => watchCaches.forPrefix(resourcePrefix(info)).start()));
    await ensureNamespaces(registry);
    await namespaces.start();
    cleanups.push(async () => namespaces.stop());

    const compactor = new Compactor(store, log);
    compactor.start(opts.compactionIntervalMs ?? 5 * 60_000);
    cleanups.push(async () => compactor.stop());

    const closing = new AbortController();
    setMaxListeners(0, closing.signal); // one listener per open watch
    const ctx: ApiContext = {
      registry,
      watchCaches,
      authenticator,
      metrics: new Metrics(),
      log,
      adminToken,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
      closing: closing.signal,
    };
    const ready = async (): Promise<boolean> => {
      try {
        await store.currentRevision();
        return true;
      } catch {
        return false;
      }
    };
    const apps: FastifyInstance[] = [];
    const secure = buildApp(ctx, { https: { key: pki.keyPem, cert: pki.certPem }, insecure: false, ready, join: { caPem: pki.caPem, tokensFile: tokenFile } });
    apps.push(secure);
    cleanups.push(async () => {
      closing.abort();
      await Promise.all(apps.map((a) => a.close()));
    });
    await secure.listen({ port: opts.securePort ?? 6443, host: opts.bindAddress ?? '0.0.0.0' });
    const addr = secure.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const url = `https://127.0.0.1:${port}`;
    let insecureUrl: string | undefined;
    if (insecureAddr) {
      const plain = buildApp(ctx, { insecure: true, ready });
      apps.push(plain);
      await plain.listen({ port: insecureAddr.port, host: insecureAddr.host });
      const a = plain.server.address();
      insecureUrl = `http://${insecureAddr.host}:${typeof a === 'object' && a ? a.port : 0}`;
    }
    const kubeconfigPath = path.join(opts.dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, url, pki.caPem, adminToken);
    log.info({ url, insecureUrl, kubeconfig: kubeconfigPath, etcd: etcdServers }, 'apiserver listening');
    let closed = false;
    return {
      url,
      insecureUrl,
      token: adminToken,
      caPem: pki.caPem,
      kubeconfigPath,
      etcdServers,
      close: async () => {
        if (closed) return;
        closed = true;
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
