// Kubeconfig files: load one (KUBECONFIG with several files merged, --kubeconfig, --context,
// ~/.kube/config) into a ClientConfig and the context's namespace; write one for tools.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ClientConfig } from './types.js';

export interface KubeconfigCluster {
  server: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
}

export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate-data'?: string;
  'client-key-data'?: string;
}

export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
}

export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: KubeconfigCluster }[];
  users: { name: string; user: KubeconfigUser }[];
  contexts: { name: string; context: KubeconfigContext }[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

export interface LoadKubeconfigOptions {
  /** --kubeconfig: wins over KUBECONFIG */
  kubeconfig?: string;
  /** --context: wins over current-context */
  context?: string;
  /** defaults to process.env */
  env?: NodeJS.ProcessEnv;
}

export interface LoadedKubeconfig {
  config: ClientConfig;
  /** the context's namespace, or `default` */
  namespace: string;
  contextName: string;
  /** the merged document, as kubectl merges KUBECONFIG files */
  kubeconfig: Kubeconfig;
  /** the file(s) read, first one first */
  paths: string[];
}

export class KubeconfigError extends Error {}

/** The files kubectl would read, in precedence order. */
export function kubeconfigPaths(opts: LoadKubeconfigOptions = {}): string[] {
  if (opts.kubeconfig) return [opts.kubeconfig];
  const env = opts.env ?? process.env;
  if (env.KUBECONFIG) return env.KUBECONFIG.split(':').filter((p) => p !== '');
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

function asArray<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

/** Parses one file's text; `source` names it in errors. */
export function parseKubeconfig(text: string, source: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new KubeconfigError(`${source}: invalid YAML: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`${source}: not a kubeconfig mapping`);
  const d = doc as Record<string, unknown>;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: asArray(d.clusters),
    users: asArray(d.users),
    contexts: asArray(d.contexts),
    'current-context': typeof d['current-context'] === 'string' ? d['current-context'] : undefined,
    preferences: (d.preferences as Record<string, unknown>) ?? {},
  };
}

/** kubectl's merge rule: the first file to set a name or the current-context wins. */
export function mergeKubeconfigs(docs: Kubeconfig[]): Kubeconfig {
  const merged: Kubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], preferences: {} };
  for (const d of docs) {
    for (const c of d.clusters) if (!merged.clusters.some((x) => x.name === c.name)) merged.clusters.push(c);
    for (const u of d.users) if (!merged.users.some((x) => x.name === u.name)) merged.users.push(u);
    for (const c of d.contexts) if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
    merged['current-context'] ??= d['current-context'] || undefined;
  }
  return merged;
}

function resolvePath(p: string, baseDir: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** Resolves a context of a (merged) kubeconfig into a ClientConfig; `baseDir` resolves relative file paths. */
export function resolveContext(
  kc: Kubeconfig,
  contextName: string | undefined,
  baseDir: string,
): { config: ClientConfig; namespace: string; contextName: string } {
  const name = contextName || kc['current-context'];
  if (!name) throw new KubeconfigError('current-context is not set and no --context was given');
  const ctx = kc.contexts.find((c) => c.name === name)?.context;
  if (!ctx) throw new KubeconfigError(`context was not found for specified context: ${name}`);
  const cluster = kc.clusters.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new KubeconfigError(`context ${name}: cluster ${JSON.stringify(ctx.cluster)} not found`);
  if (!cluster.server) throw new KubeconfigError(`cluster ${ctx.cluster}: server: Required value`);
  const user = kc.users.find((u) => u.name === ctx.user)?.user ?? {};
  const config: ClientConfig = { server: cluster.server };
  if (cluster['certificate-authority-data']) {
    config.caData = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  } else if (cluster['certificate-authority']) {
    const file = resolvePath(cluster['certificate-authority'], baseDir);
    try {
      config.caData = readFileSync(file, 'utf8');
    } catch (e) {
      throw new KubeconfigError(`cluster ${ctx.cluster}: certificate-authority ${file}: ${(e as Error).message}`);
    }
  }
  if (cluster['insecure-skip-tls-verify']) config.insecureSkipTLSVerify = true;
  if (user.token) {
    config.token = user.token;
  } else if (user.tokenFile) {
    const file = resolvePath(user.tokenFile, baseDir);
    try {
      config.token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new KubeconfigError(`user ${ctx.user}: tokenFile ${file}: ${(e as Error).message}`);
    }
  }
  return { config, namespace: ctx.namespace || 'default', contextName: name };
}

/** Loads the kubeconfig kubectl would use. Missing files in a KUBECONFIG list are skipped, as kubectl does. */
export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): LoadedKubeconfig {
  const paths = kubeconfigPaths(opts);
  const docs: Kubeconfig[] = [];
  const read: string[] = [];
  for (const p of paths) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (e) {
      const explicit = opts.kubeconfig !== undefined;
      if (explicit || (e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new KubeconfigError(`kubeconfig ${p}: ${(e as Error).message}`);
      }
      continue;
    }
    docs.push(parseKubeconfig(text, p));
    read.push(p);
  }
  if (docs.length === 0) throw new KubeconfigError(`no kubeconfig found (looked in ${paths.join(', ')})`);
  const kubeconfig = mergeKubeconfigs(docs);
  const resolved = resolveContext(kubeconfig, opts.context, dirname(resolve(read[0])));
  return { ...resolved, kubeconfig, paths: read };
}

export interface WriteKubeconfigOptions {
  server: string;
  /** PEM */
  caData?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  namespace?: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

/** The kubeconfig document for one cluster/user/context, as kubectl expects it. */
export function buildKubeconfig(o: WriteKubeconfigOptions): Kubeconfig {
  const clusterName = o.clusterName ?? 'skiff';
  const userName = o.userName ?? 'admin';
  const contextName = o.contextName ?? 'skiff';
  const cluster: KubeconfigCluster = { server: o.server };
  if (o.caData) cluster['certificate-authority-data'] = Buffer.from(o.caData, 'utf8').toString('base64');
  if (o.insecureSkipTLSVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: KubeconfigUser = {};
  if (o.token) user.token = o.token;
  const context: KubeconfigContext = { cluster: clusterName, user: userName };
  if (o.namespace) context.namespace = o.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: contextName, context }],
    'current-context': contextName,
    preferences: {},
  };
}

/** Writes a kubeconfig atomically with mode 0600 (it holds a token). */
export function writeKubeconfig(path: string, doc: Kubeconfig | WriteKubeconfigOptions): void {
  const kc = 'kind' in doc ? doc : buildKubeconfig(doc);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify(kc), { mode: 0o600 });
  renameSync(tmp, path);
}
