// The registry hosts config, like containerd's hosts.toml but one JSON file (default
// `<image store root>/registries.json`, i.e. /var/lib/skiff/runtime/images/registries.json, or
// `skiff image --hosts-config FILE`, or the store's hostsConfigPath):
//
//   {
//     "registries": {
//       "docker.io": { "mirrors": ["https://mirror.example.com", { "url": "http://10.0.0.5:5000" }] },
//       "registry.internal:5000": {
//         "insecure": true,                // plain HTTP (loopback hosts always are)
//         "skipVerify": false,             // HTTPS without certificate verification
//         "ca": "/etc/skiff/registry-ca.pem",
//         "auth": { "username": "u", "password": "p" }   // or { "auth": "base64(u:p)" } or { "identityToken": "..." }
//       }
//     }
//   }
//
// Endpoints are tried in order: the mirrors, then the registry itself.
import * as fs from 'node:fs';
import type { AuthConfig } from './image-store.js';
import { isLoopbackHost } from './reference.js';

export interface HostConfig {
  mirrors?: Array<string | { url: string; insecure?: boolean; skipVerify?: boolean; ca?: string }>;
  insecure?: boolean;
  skipVerify?: boolean;
  ca?: string;
  auth?: AuthConfig;
}

export interface HostsConfig {
  registries: Record<string, HostConfig>;
}

export interface RegistryEndpoint {
  /** the registry host as named in references (`docker.io`), or the mirror's host */
  host: string;
  /** scheme://host[:port][/prefix] without a trailing slash; requests go to `${base}/v2/...` */
  base: string;
  skipVerify: boolean;
  ca?: string;
  mirror: boolean;
  /** credentials configured for this endpoint's host */
  auth?: AuthConfig;
}

export class HostsConfigError extends Error {}

export const EMPTY_HOSTS_CONFIG: HostsConfig = { registries: {} };

/** reads and validates the file; a missing file is an empty config */
export function loadHostsConfig(file: string | undefined): HostsConfig {
  if (!file) return EMPTY_HOSTS_CONFIG;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_HOSTS_CONFIG;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new HostsConfigError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  return validateHostsConfig(parsed, file);
}

export function validateHostsConfig(value: unknown, source = 'hosts config'): HostsConfig {
  const fail = (field: string, msg: string): never => {
    throw new HostsConfigError(`${source}: ${field}: ${msg}`);
  };
  if (!isObject(value)) return fail('(root)', 'must be an object');
  const regs = value.registries ?? {};
  if (!isObject(regs)) return fail('registries', 'must be an object of host → settings');
  const out: HostsConfig = { registries: {} };
  for (const [host, raw] of Object.entries(regs)) {
    const f = `registries[${JSON.stringify(host)}]`;
    if (!isObject(raw)) return fail(f, 'must be an object');
    const h: HostConfig = {};
    for (const key of Object.keys(raw)) {
      if (!['mirrors', 'insecure', 'skipVerify', 'ca', 'auth'].includes(key)) fail(`${f}.${key}`, 'unknown field');
    }
    for (const b of ['insecure', 'skipVerify'] as const) {
      if (raw[b] !== undefined) {
        if (typeof raw[b] !== 'boolean') fail(`${f}.${b}`, `must be a boolean, got ${JSON.stringify(raw[b])}`);
        h[b] = raw[b] as boolean;
      }
    }
    if (raw.ca !== undefined) {
      if (typeof raw.ca !== 'string') fail(`${f}.ca`, `must be a file path, got ${JSON.stringify(raw.ca)}`);
      h.ca = raw.ca as string;
    }
    if (raw.auth !== undefined) {
      if (!isObject(raw.auth)) fail(`${f}.auth`, 'must be an object');
      h.auth = raw.auth as AuthConfig;
    }
    if (raw.mirrors !== undefined) {
      if (!Array.isArray(raw.mirrors)) return fail(`${f}.mirrors`, 'must be a list');
      h.mirrors = raw.mirrors.map((m: unknown, i: number) => {
        const url = typeof m === 'string' ? m : isObject(m) ? m.url : undefined;
        if (typeof url !== 'string' || !/^https?:\/\/[^/]+/.test(url)) {
          return fail(`${f}.mirrors[${i}]`, `want an http(s) URL, got ${JSON.stringify(m)}`);
        }
        return typeof m === 'string' ? m : (m as { url: string; insecure?: boolean; skipVerify?: boolean; ca?: string });
      });
    }
    out.registries[host] = h;
  }
  return out;
}

/** where to send requests for a registry host, in order: mirrors, then the host itself */
export function endpointsFor(host: string, config: HostsConfig): RegistryEndpoint[] {
  const h = config.registries[host] ?? {};
  const out: RegistryEndpoint[] = [];
  for (const m of h.mirrors ?? []) {
    const spec = typeof m === 'string' ? { url: m } : m;
    const url = new URL(spec.url);
    const mirrorHost = url.host;
    const mh = config.registries[mirrorHost] ?? {};
    out.push({
      host: mirrorHost,
      base: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '').replace(/\/v2$/, '')}`,
      skipVerify: spec.skipVerify ?? mh.skipVerify ?? false,
      ca: spec.ca ?? mh.ca,
      mirror: true,
      auth: mh.auth,
    });
  }
  const plain = h.insecure === true || isLoopbackHost(host);
  const target = host === 'docker.io' ? 'registry-1.docker.io' : host;
  out.push({
    host,
    base: `${plain ? 'http' : 'https'}://${target}`,
    skipVerify: h.skipVerify ?? false,
    ca: h.ca,
    mirror: false,
    auth: h.auth,
  });
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
