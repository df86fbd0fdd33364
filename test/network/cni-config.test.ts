import { describe, expect, it } from 'vitest';
import { cniArgs, defaultConfList, parseCidr, parseConf, pickConfFile, pluginStdin, resultIps, toCniPortMappings } from '../../runtime/network/cni-config.js';

describe('CNI configuration', () => {
  it('builds the default conflist: bridge (gateway, masquerade, hairpin) + host-local, portmap, loopback', () => {
    const list = defaultConfList({ podCidr: '10.88.0.0/16', ipamDataDir: '/var/lib/skiff/runtime/cni/networks' });
    expect(list.cniVersion).toBe('1.0.0');
    expect(list.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'skiff0', isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.88.0.0/16' }]], dataDir: '/var/lib/skiff/runtime/cni/networks' } });
    expect(list.plugins[1]).toEqual({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
    expect(list.plugins[2]).toEqual({ type: 'loopback' });
  });

  it('rejects a bad pod CIDR naming it', () => {
    expect(() => parseCidr('10.88.0.0', 'podCidr')).toThrow('podCidr: "10.88.0.0"');
    expect(() => defaultConfList({ podCidr: '300.1.1.0/24', ipamDataDir: '/x' })).toThrow('podCidr');
  });

  it('picks the lexically first config file and parses lists and single confs', () => {
    expect(pickConfFile(['99-x.conf', 'README', '10-skiff.conflist', '50-a.json'])).toBe('10-skiff.conflist');
    expect(pickConfFile(['README'])).toBeUndefined();
    const single = parseConf('a.conf', JSON.stringify({ cniVersion: '0.4.0', name: 'n', type: 'bridge', bridge: 'b0' }));
    expect(single).toEqual({ cniVersion: '0.4.0', name: 'n', plugins: [{ type: 'bridge', bridge: 'b0' }] });
    expect(() => parseConf('b.conflist', '{"name":"n","plugins":[{}]}')).toThrow('b.conflist: plugins[0].type: required');
    expect(() => parseConf('c.conflist', 'nope')).toThrow('c.conflist: not JSON');
  });

  it('gives each plugin name, cniVersion, prevResult and only the runtimeConfig it asks for', () => {
    const list = defaultConfList({ podCidr: '10.88.0.0/16', ipamDataDir: '/d' });
    const prev = { cniVersion: '1.0.0', ips: [{ address: '10.88.0.2/16' }] };
    const pm = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
    const portmap = pluginStdin(list, list.plugins[1], prev, { portMappings: pm });
    expect(portmap).toEqual({ type: 'portmap', snat: true, name: 'skiff', cniVersion: '1.0.0', prevResult: prev, runtimeConfig: { portMappings: pm } });
    const bridge = pluginStdin(list, list.plugins[0], undefined, { portMappings: pm });
    expect(bridge.runtimeConfig).toBeUndefined();
    expect(bridge.prevResult).toBeUndefined();
  });

  it('maps CRI port mappings with a host port and reads IPs from a result', () => {
    expect(toCniPortMappings([
      { protocol: 'UDP', container_port: 53, host_port: 5353, host_ip: '' },
      { protocol: 'TCP', container_port: 80, host_port: 0, host_ip: '' },
      { protocol: 'TCP', container_port: 81, host_port: 8081, host_ip: '127.0.0.1' },
    ])).toEqual([
      { hostPort: 5353, containerPort: 53, protocol: 'udp' },
      { hostPort: 8081, containerPort: 81, protocol: 'tcp', hostIP: '127.0.0.1' },
    ]);
    expect(resultIps({ cniVersion: '1.0.0', ips: [{ address: 'fd00::5/64' }, { address: '10.88.0.7/16' }] })).toEqual({ ip: '10.88.0.7', additional: ['fd00::5'] });
    expect(resultIps(undefined)).toEqual({ ip: '', additional: [] });
    expect(cniArgs({ K8S_POD_NAME: 'p' })).toBe('IgnoreUnknown=1;K8S_POD_NAME=p');
  });
});
