// Pure CNI configuration logic: the default conflist, choosing and parsing the conflist from a
// conf dir listing, the per-plugin stdin configuration, CRI port mappings → portMappings.
import type { CniConfList, CniPluginConf, CniPortMapping, CniResult } from './cni-types.js';

export const DEFAULT_CONFLIST_NAME = '10-skiff.conflist';

export interface DefaultConfListOptions {
  /** network name; default "skiff" */
  name?: string;
  bridge?: string; // default skiff0
  podCidr: string;
  /** host-local's dataDir, under the runtime root so tests can isolate it */
  ipamDataDir: string;
}

export function defaultConfList(opts: DefaultConfListOptions): CniConfList {
  parseCidr(opts.podCidr, 'podCidr');
  return {
    cniVersion: '1.0.0',
    name: opts.name ?? 'skiff',
    plugins: [
      {
        type: 'bridge',
        bridge: opts.bridge ?? 'skiff0',
        isGateway: true,
        // a bridge still carrying an earlier subnet's gateway takes the new one (as kubenet does)
        forceAddress: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: opts.podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      { type: 'loopback' },
    ],
  };
}

/** Validates an IPv4 CIDR; throws naming `field` and the value. */
export function parseCidr(cidr: string, field: string): { base: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix < 1 || prefix > 30) {
    throw new Error(`${field}: ${JSON.stringify(cidr)} is not an IPv4 CIDR with a prefix between 1 and 30`);
  }
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { base, prefix };
}

/** The conf file the runtime uses: the lexically first *.conflist, *.conf or *.json, as CNI does. */
export function pickConfFile(names: string[]): string | undefined {
  return names.filter((n) => /\.(conflist|conf|json)$/.test(n)).sort()[0];
}

/** Parses a conflist, or a single-plugin .conf wrapped into a list. Throws naming the file. */
export function parseConf(file: string, text: string): CniConfList {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: not a JSON object`);
  const obj = raw as Record<string, unknown>;
  if (typeof obj.name !== 'string' || obj.name === '') throw new Error(`${file}: name: required`);
  const cniVersion = typeof obj.cniVersion === 'string' ? obj.cniVersion : '1.0.0';
  if (Array.isArray(obj.plugins)) {
    obj.plugins.forEach((p, i) => {
      if (typeof p !== 'object' || p === null || typeof (p as CniPluginConf).type !== 'string') {
        throw new Error(`${file}: plugins[${i}].type: required`);
      }
    });
    if (obj.plugins.length === 0) throw new Error(`${file}: plugins: empty`);
    return { cniVersion, name: obj.name, disableCheck: obj.disableCheck === true, plugins: obj.plugins as CniPluginConf[] };
  }
  if (typeof obj.type !== 'string') throw new Error(`${file}: type: required (neither a conflist nor a plugin conf)`);
  const { name: _name, cniVersion: _v, ...plugin } = obj;
  return { cniVersion, name: obj.name, plugins: [plugin as CniPluginConf] };
}

/**
 * The configuration one plugin gets on stdin: the plugin's own keys plus the list's name and
 * cniVersion, the previous plugin's result, and the runtimeConfig for the capabilities it declares.
 */
export function pluginStdin(
  list: CniConfList,
  plugin: CniPluginConf,
  prevResult: CniResult | undefined,
  runtime: { portMappings?: CniPortMapping[] },
): Record<string, unknown> {
  const { capabilities, ...rest } = plugin;
  const conf: Record<string, unknown> = { ...rest, name: list.name, cniVersion: list.cniVersion };
  if (prevResult) conf.prevResult = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  if (capabilities?.portMappings && runtime.portMappings && runtime.portMappings.length > 0) {
    runtimeConfig.portMappings = runtime.portMappings;
  }
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  return conf;
}

export interface CriPortMappingLike {
  protocol: string;
  container_port: number;
  host_port: number;
  host_ip: string;
}

/** CRI port mappings → CNI portMappings; only those with a host port are mapped. */
export function toCniPortMappings(mappings: CriPortMappingLike[]): CniPortMapping[] {
  return mappings
    .filter((m) => m.host_port > 0)
    .map((m) => ({
      hostPort: m.host_port,
      containerPort: m.container_port,
      protocol: (m.protocol || 'TCP').toLowerCase() as CniPortMapping['protocol'],
      ...(m.host_ip ? { hostIP: m.host_ip } : {}),
    }));
}

/** The first IPv4 address of the result (without prefix), and the others. */
export function resultIps(result: CniResult | undefined): { ip: string; additional: string[] } {
  const all = (result?.ips ?? []).map((c) => c.address.split('/')[0]).filter((a) => a !== '');
  const v4 = all.filter((a) => !a.includes(':'));
  const primary = v4[0] ?? all[0] ?? '';
  return { ip: primary, additional: all.filter((a) => a !== primary) };
}

/** CNI_ARGS string: `IgnoreUnknown=1;K=V;...`. */
export function cniArgs(args: Record<string, string> | undefined): string {
  const pairs = Object.entries(args ?? {}).map(([k, v]) => `${k}=${v}`);
  return ['IgnoreUnknown=1', ...pairs].join(';');
}
