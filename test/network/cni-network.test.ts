// The CNI client over scripted plugins: chaining, DEL order and tolerance, CHECK, conf handling,
// and the binary runner's environment, stdin and error parsing (with small shell-script plugins).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CniNetwork } from '../../runtime/network/cni-network.js';
import { BinaryPluginExec, type CniPluginCall, type CniPluginExec } from '../../runtime/network/cni-plugin-exec.js';
import { CniError } from '../../runtime/network/cni-types.js';

class Scripted implements CniPluginExec {
  calls: CniPluginCall[] = [];
  fail = new Set<string>();
  async run(call: CniPluginCall): Promise<unknown> {
    this.calls.push(call);
    if (this.fail.has(`${call.command}:${call.plugin}`)) throw new CniError(call.plugin, call.command, 7, 'boom');
    if (call.command !== 'ADD') return undefined;
    const prev = (call.stdin.prevResult as { ips?: unknown[] } | undefined) ?? { cniVersion: '1.0.0', ips: [] };
    return { ...prev, ips: [...(prev.ips ?? []), { address: `10.9.0.${this.calls.length}/24` }] };
  }
  missing(): string[] {
    return [];
  }
}

describe('CNI network', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cni-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const att = { containerId: 'c1', netns: '/run/netns/x', ifName: 'eth0', portMappings: [{ hostPort: 80, containerPort: 8080, protocol: 'tcp' as const }] };

  it('chains ADD results, runs DEL in reverse past a failure, and CHECKs with the cached result', async () => {
    const exec = new Scripted();
    const net = new CniNetwork({ confDir: join(dir, 'net.d'), exec, podCidr: '10.9.0.0/24', ipamDataDir: join(dir, 'ipam') });
    const result = await net.add(att);
    expect(exec.calls.map((c) => c.plugin)).toEqual(['bridge', 'portmap', 'loopback']);
    expect(exec.calls[1].stdin.prevResult).toEqual({ cniVersion: '1.0.0', ips: [{ address: '10.9.0.1/24' }] });
    expect(result.ips).toHaveLength(3);
    expect(exec.calls.every((c) => c.containerId === 'c1' && c.netns === '/run/netns/x' && c.ifName === 'eth0')).toBe(true);

    exec.calls = [];
    exec.fail.add('DEL:portmap');
    await expect(net.del(att, result)).rejects.toThrow('CNI DEL portmap: boom');
    expect(exec.calls.map((c) => c.plugin)).toEqual(['loopback', 'portmap', 'bridge']);
    expect(exec.calls[2].stdin.prevResult).toEqual(result);

    exec.calls = [];
    await net.check(att, result);
    expect(exec.calls.map((c) => `${c.command}:${c.plugin}`)).toEqual(['CHECK:bridge', 'CHECK:portmap', 'CHECK:loopback']);
  });

  it('stops ADD at the failing plugin and reports it', async () => {
    const exec = new Scripted();
    exec.fail.add('ADD:portmap');
    const net = new CniNetwork({ confDir: join(dir, 'net.d'), exec, podCidr: '10.9.0.0/24', ipamDataDir: join(dir, 'ipam') });
    await expect(net.add(att)).rejects.toThrow('CNI ADD portmap: boom');
    expect(exec.calls.map((c) => c.plugin)).toEqual(['bridge', 'portmap']);
  });

  it('uses an existing conflist as is, and rewrites only its own default for a new pod CIDR', async () => {
    const confDir = join(dir, 'net.d');
    const own = new CniNetwork({ confDir, exec: new Scripted(), podCidr: '10.9.0.0/24', ipamDataDir: '/d' });
    await own.setPodCidr('10.9.1.0/24');
    expect(JSON.parse(readFileSync(join(confDir, '10-skiff.conflist'), 'utf8')).plugins[0].ipam.ranges[0][0].subnet).toBe('10.9.1.0/24');

    const foreignDir = join(dir, 'foreign');
    mkdirSync(foreignDir);
    const foreign = JSON.stringify({ cniVersion: '1.0.0', name: 'theirs', plugins: [{ type: 'ptp' }] });
    writeFileSync(join(foreignDir, '05-theirs.conflist'), foreign);
    const exec = new Scripted();
    const net = new CniNetwork({ confDir: foreignDir, exec, podCidr: '10.9.0.0/24', ipamDataDir: '/d' });
    await net.setPodCidr('10.9.2.0/24');
    expect(readFileSync(join(foreignDir, '05-theirs.conflist'), 'utf8')).toBe(foreign);
    await net.add(att);
    expect(exec.calls.map((c) => c.plugin)).toEqual(['ptp']);
    expect((await net.ready()).ok).toBe(true);
  });

  it('without a pod CIDR writes no conflist, is not ready and refuses ADD until setPodCidr hands one over', async () => {
    const confDir = join(dir, 'net.d');
    const exec = new Scripted();
    const net = new CniNetwork({ confDir, exec, ipamDataDir: '/d' });
    expect(await net.ensureConf()).toBeUndefined();
    expect(readdirSync(confDir)).toEqual([]);
    const waiting = await net.ready();
    expect(waiting.ok).toBe(false);
    expect(waiting.message).toContain("waiting for the node's pod CIDR");
    await expect(net.add(att)).rejects.toThrow(`no network configuration in ${confDir} yet`);
    expect(exec.calls).toEqual([]);

    await net.setPodCidr('10.9.4.0/24');
    const written = JSON.parse(readFileSync(join(confDir, '10-skiff.conflist'), 'utf8'));
    expect(written.plugins[0]).toMatchObject({ type: 'bridge', forceAddress: true, ipam: { ranges: [[{ subnet: '10.9.4.0/24' }]] } });
    expect((await net.ready()).ok).toBe(true);
    await net.add(att);
    expect(exec.calls.map((c) => c.plugin)).toEqual(['bridge', 'portmap', 'loopback']);
  });

  it('runs plugin binaries with the CNI environment and parses their error JSON', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'echoer'), '#!/bin/sh\nin=$(cat)\nprintf \'{"cniVersion":"1.0.0","dns":{"domain":"%s %s %s %s","search":["%s"]},"ips":[]}\' "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_IFNAME" "$CNI_NETNS" "$CNI_ARGS"\n');
    writeFileSync(join(bin, 'failer'), '#!/bin/sh\ncat >/dev/null\necho \'{"cniVersion":"1.0.0","code":11,"msg":"no way","details":"really"}\'\nexit 1\n');
    chmodSync(join(bin, 'echoer'), 0o755);
    chmodSync(join(bin, 'failer'), 0o755);
    const exec = new BinaryPluginExec([bin]);
    const out = (await exec.run({ plugin: 'echoer', command: 'ADD', containerId: 'c9', netns: '/ns', ifName: 'eth0', args: 'IgnoreUnknown=1', stdin: {} })) as { dns: { domain: string; search: string[] } };
    expect(out.dns).toEqual({ domain: 'ADD c9 eth0 /ns', search: ['IgnoreUnknown=1'] });
    const err = await exec.run({ plugin: 'failer', command: 'ADD', containerId: 'c9', netns: '/ns', ifName: 'eth0', args: '', stdin: {} }).catch((e: CniError) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).message).toBe('CNI ADD failer: no way: really');
    expect((err as CniError).cniCode).toBe(11);
    await expect(exec.run({ plugin: 'nothere', command: 'DEL', containerId: 'c', netns: '', ifName: 'eth0', args: '', stdin: {} })).rejects.toThrow('CNI DEL nothere: plugin binary not found');
    expect(exec.missing(['echoer', 'nothere'])).toEqual(['nothere']);
  });
});
