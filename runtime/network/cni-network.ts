// The CNI client: loads the network configuration list from the conf dir (writing the default
// conflist when the dir has none) and runs its plugins in order for ADD/CHECK (chaining each
// result into the next plugin's prevResult) and in reverse for DEL.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { cniArgs, defaultConfList, DEFAULT_CONFLIST_NAME, parseConf, pickConfFile, pluginStdin } from './cni-config.js';
import type { CniPluginExec } from './cni-plugin-exec.js';
import { CniError, type CniAttachment, type CniConfList, type CniResult } from './cni-types.js';

export interface PodNetwork {
  /** true once a usable conflist is loaded */
  ready(): Promise<{ ok: boolean; message: string }>;
  add(att: CniAttachment): Promise<CniResult>;
  /** tolerant: runs every plugin even if one fails, then throws the first error */
  del(att: CniAttachment, prevResult?: CniResult): Promise<void>;
  check(att: CniAttachment, prevResult: CniResult): Promise<void>;
  /** rewrites the runtime's own default conflist for a new pod CIDR (a foreign conflist is left alone) */
  setPodCidr(podCidr: string): Promise<void>;
}

export interface CniNetworkOptions {
  confDir: string;
  exec: CniPluginExec;
  /** the default conflist's subnet; undefined: none is written until setPodCidr hands one over */
  podCidr?: string;
  ipamDataDir: string;
  bridge?: string;
  networkName?: string;
}

export class CniNetwork implements PodNetwork {
  private conf: CniConfList | undefined;

  constructor(private readonly opts: CniNetworkOptions) {}

  /**
   * The conf file in use. When the conf dir holds none, writes the default conflist if a pod CIDR is
   * known; returns undefined while waiting for one (a bridge given a provisional subnet would keep
   * that address, and every later ADD with the real subnet would fail).
   */
  async ensureConf(): Promise<string | undefined> {
    await fs.mkdir(this.opts.confDir, { recursive: true });
    const existing = pickConfFile(await fs.readdir(this.opts.confDir));
    if (existing) return join(this.opts.confDir, existing);
    if (this.opts.podCidr === undefined) return undefined;
    await this.writeDefault(this.opts.podCidr);
    return join(this.opts.confDir, DEFAULT_CONFLIST_NAME);
  }

  private async writeDefault(podCidr: string): Promise<void> {
    const list = defaultConfList({ podCidr, ipamDataDir: this.opts.ipamDataDir, bridge: this.opts.bridge, name: this.opts.networkName });
    const file = join(this.opts.confDir, DEFAULT_CONFLIST_NAME);
    const tmp = `${file}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify(list, null, 2)}\n`, { mode: 0o644 });
    await fs.rename(tmp, file);
  }

  private async load(): Promise<CniConfList> {
    const file = await this.ensureConf();
    if (file === undefined) {
      throw new Error(`no network configuration in ${this.opts.confDir} yet: waiting for the node's pod CIDR (CRI UpdateRuntimeConfig from the kubelet)`);
    }
    this.conf = parseConf(file, await fs.readFile(file, 'utf8'));
    return this.conf;
  }

  async ready(): Promise<{ ok: boolean; message: string }> {
    try {
      const conf = await this.load();
      const missing = this.opts.exec.missing(conf.plugins.map((p) => p.type));
      if (missing.length > 0) return { ok: false, message: `network ${conf.name}: CNI plugin binaries not found: ${missing.join(', ')}` };
      return { ok: true, message: `network ${conf.name} with ${conf.plugins.map((p) => p.type).join(', ')}` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }

  async setPodCidr(podCidr: string): Promise<void> {
    const file = await this.ensureConf();
    // no conf yet (awaiting a CIDR): write the default; a foreign one stays; our own is rewritten if it differs
    if (file !== undefined) {
      if (!file.endsWith(DEFAULT_CONFLIST_NAME)) return;
      const current = parseConf(file, await fs.readFile(file, 'utf8'));
      const ipam = current.plugins[0]?.ipam as { ranges?: { subnet: string }[][] } | undefined;
      if (ipam?.ranges?.[0]?.[0]?.subnet === podCidr) return;
    }
    await this.writeDefault(podCidr);
    this.conf = undefined;
  }

  async add(att: CniAttachment): Promise<CniResult> {
    const conf = await this.load();
    let result: CniResult | undefined;
    for (const plugin of conf.plugins) {
      const out = await this.opts.exec.run({
        plugin: plugin.type,
        command: 'ADD',
        containerId: att.containerId,
        netns: att.netns,
        ifName: att.ifName,
        args: cniArgs(att.args),
        stdin: pluginStdin(conf, plugin, result, { portMappings: att.portMappings }),
      });
      if (out === undefined || typeof out !== 'object') {
        throw new CniError(plugin.type, 'ADD', undefined, 'plugin printed no result');
      }
      result = out as CniResult;
    }
    if (!result) throw new CniError(conf.name, 'ADD', undefined, 'conflist has no plugins');
    return result;
  }

  async del(att: CniAttachment, prevResult?: CniResult): Promise<void> {
    const conf = this.conf ?? (await this.load());
    let first: Error | undefined;
    for (const plugin of [...conf.plugins].reverse()) {
      try {
        await this.opts.exec.run({
          plugin: plugin.type,
          command: 'DEL',
          containerId: att.containerId,
          netns: att.netns,
          ifName: att.ifName,
          args: cniArgs(att.args),
          stdin: pluginStdin(conf, plugin, prevResult, { portMappings: att.portMappings }),
        });
      } catch (err) {
        first ??= err as Error;
      }
    }
    if (first) throw first;
  }

  async check(att: CniAttachment, prevResult: CniResult): Promise<void> {
    const conf = this.conf ?? (await this.load());
    if (conf.disableCheck) return;
    for (const plugin of conf.plugins) {
      await this.opts.exec.run({
        plugin: plugin.type,
        command: 'CHECK',
        containerId: att.containerId,
        netns: att.netns,
        ifName: att.ifName,
        args: cniArgs(att.args),
        stdin: pluginStdin(conf, plugin, prevResult, { portMappings: att.portMappings }),
      });
    }
  }
}
