// Pod spec fields reaching the real containers through the CRI: host ports, resources (cgroup
// values), securityContext, shareProcessNamespace and hostNetwork.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import { startKubeletCluster, until, type KubeletCluster } from '../kubelet/kubelet-cluster.js';
import { freePort } from '../fixtures/registry.js';

let k: KubeletCluster;

beforeAll(async () => {
  k = await startKubeletCluster();
});

afterAll(async () => {
  await k?.stop();
});

const running = (name: string): Promise<Pod> =>
  until(`${name} Running`, async () => {
    const p = await k.pods.get('default', name);
    return p.status?.phase === 'Running' ? p : undefined;
  });

const logOf = (name: string, container: string): Promise<string> =>
  k.client.request<string>({ method: 'GET', path: `/api/v1/namespaces/default/pods/${name}/log`, query: { container } });

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** every value of a cgroup file under the test's cgroup root */
function cgroupValues(controller: string, file: string): string[] {
  const out = execFileSync('sh', ['-c', `find /sys/fs/cgroup/${controller}/${k.prefix} -name ${file} -exec cat {} \\; 2>/dev/null || true`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('pod spec → CRI → container', () => {
  it('a hostPort is mapped on the node', async () => {
    const hostPort = await freePort();
    await k.pods.create(
      'default',
      k.podSpec('hostport', {
        containers: [
          {
            name: 'web',
            image: k.image,
            command: ['sh', '-c', 'mkdir -p /www && echo via-host-port > /www/index.html && exec httpd -f -p 8080 -h /www'],
            ports: [{ containerPort: 8080, hostPort }],
          },
        ],
      }),
    );
    await running('hostport');
    // portmap DNATs locally generated traffic to the node's own addresses; its address on the pod bridge is one
    const gateway = k.podCidr.replace(/\.0\/\d+$/, '.1');
    expect(await until('the host port to answer', () => httpGet(gateway, hostPort).catch(() => undefined))).toBe('via-host-port\n');
  });

  it('resources become cgroup limits and securityContext applies', async () => {
    await k.pods.create(
      'default',
      k.podSpec('limited', {
        securityContext: { runAsUser: 1234, runAsGroup: 2345 },
        containers: [
          {
            name: 'c',
            image: k.image,
            command: ['sh', '-c', 'echo uid=$(id -u) gid=$(id -g); touch /x 2>&1 || echo rootfs-read-only; sleep 600'],
            resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } },
            securityContext: { readOnlyRootFilesystem: true },
          },
        ],
      }),
    );
    const p = await running('limited');
    expect(p.status?.qosClass).toBe('Burstable');
    const log = await until('the container log', async () => {
      const t = await logOf('limited', 'c');
      return t.includes('rootfs-read-only') ? t : undefined;
    });
    expect(log).toContain('uid=1234 gid=2345');
    expect(cgroupValues('memory', 'memory.limit_in_bytes')).toContain(String(64 * 1024 * 1024));
    expect(cgroupValues('cpu', 'cpu.cfs_quota_us')).toContain('50000');
    expect(cgroupValues('cpu', 'cpu.shares')).toContain('256');
  });

  it('shareProcessNamespace lets containers see each other\'s processes', async () => {
    await k.pods.create(
      'default',
      k.podSpec('sharedpid', {
        shareProcessNamespace: true,
        containers: [
          { name: 'a', image: k.image, command: ['sleep', '4321'] },
          { name: 'b', image: k.image, command: ['sh', '-c', 'while true; do ps; sleep 1; done'] },
        ],
      }),
    );
    await running('sharedpid');
    await until('b to see a\'s sleep', async () => ((await logOf('sharedpid', 'b')).includes('sleep 4321') ? true : undefined));
  });

  it('hostNetwork pods use the node\'s network and report its IP', async () => {
    await k.pods.create('default', k.podSpec('hostnet', { hostNetwork: true, containers: [{ name: 'c', image: k.image, command: ['sh', '-c', 'cat /proc/net/dev; sleep 600'] }] }));
    const p = await running('hostnet');
    expect(p.status?.podIP).toBe('127.0.0.1');
    const log = await until('the interface list', async () => {
      const t = await logOf('hostnet', 'c');
      return t.includes('lo:') ? t : undefined;
    });
    // the host's own interfaces are visible, e.g. the runtime's pod bridge
    expect(log).toContain(`${k.bridge}:`);
  });
});
