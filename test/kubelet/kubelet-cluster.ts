// Test helper for the kubelet's end-to-end tests and the pods bench: a real etcd + apiserver, a
// local registry holding the busybox test image, `skiff runtime` in process (its own bridge, pod
// CIDR, conf/data dirs and cgroup root, all named with a per-run `skiff` prefix) and the kubelet.
// stop() removes every sandbox, mount, bridge, cgroup and temp dir it made, even after a failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Pod } from '../../api/types/core.js';
import { ApiClient } from '../../client/rest-client.js';
import type { ResourceClient } from '../../client/types.js';
import { connectCri } from '../../kubelet/cri/cri-client.js';
import type { Cri } from '../../kubelet/cri/runtime-service.js';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.js';
import type { PodObject } from '../../kubelet/status/status-manager.js';
import { startRuntimeService } from '../../runtime/cri/real-parts.js';
import type { RuntimeService } from '../../runtime/cri/runtime-server.js';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { pushBusyboxImage } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(stepMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface KubeletCluster {
  prefix: string;
  /** the runtime's pod CIDR (its `.1` is the node's address on the pod bridge) */
  podCidr: string;
  /** the runtime's pod bridge on the host */
  bridge: string;
  dir: string;
  api: TestApiServer;
  client: ApiClient;
  pods: ResourceClient<PodObject>;
  image: string;
  nodeName: string;
  /** the kubelet's own CRI connection, for assertions */
  cri: Cri;
  kubelet(): Kubelet | undefined;
  startKubelet(): Promise<Kubelet>;
  stopKubelet(): Promise<void>;
  /** a pod bound to this node */
  podSpec(name: string, spec: Partial<NonNullable<Pod['spec']>>): PodObject;
  stop(): Promise<void>;
}

export async function startKubeletCluster(opts: { logLevel?: string } = {}): Promise<KubeletCluster> {
  const tag = Math.random().toString(36).slice(2, 7);
  const prefix = `skiff-k${tag}`;
  const bridge = `sk${tag}1`;
  const podCidr = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const root = join(dir, 'runtime');
  const socket = join(dir, 'cri.sock');
  const confDir = join(dir, 'net.d');
  const kubeletRoot = join(dir, 'kubelet');
  const nodeName = `${prefix}-node`;
  const log = pino({ level: opts.logLevel ?? process.env.SKIFF_TEST_LOG ?? 'silent' });
  const ipForwardBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  let api: TestApiServer | undefined;
  let registry: TestRegistry | undefined;
  let runtime: RuntimeService | undefined;
  let kubelet: Kubelet | undefined;
  let cri: Cri | undefined;

  const stop = async () => {
    try {
      await kubelet?.stop().catch(() => undefined);
      kubelet = undefined;
      if (cri) {
        const sandboxes = await cri.runtime.listPodSandbox().catch(() => []);
        for (const s of sandboxes) {
          await cri.runtime.stopPodSandbox(s.id).catch(() => undefined);
          await cri.runtime.removePodSandbox(s.id).catch(() => undefined);
        }
        cri.close();
      }
      await runtime?.close().catch(() => undefined);
      await api?.stop().catch(() => undefined);
      await registry?.stop().catch(() => undefined);
    } finally {
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[4])
        .filter((mp): mp is string => !!mp && mp.startsWith(dir))
        .sort((a, b) => b.length - a.length);
      for (const mp of mounts) {
        try {
          execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
        } catch {
          // already gone
        }
      }
      try {
        execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
      } catch {
        // already gone
      }
      for (const ctl of ['memory', 'cpu', 'cpuacct', 'pids', 'cpuset', 'freezer', 'devices', 'blkio', 'unified']) {
        const base = `/sys/fs/cgroup/${ctl}/${prefix}`;
        if (existsSync(base)) execFileSync('sh', ['-c', `find ${base} -depth -type d -exec rmdir {} \\; 2>/dev/null || true`]);
      }
      if (ipForwardBefore) writeFileSync('/proc/sys/net/ipv4/ip_forward', ipForwardBefore);
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    mkdirSync(kubeletRoot, { recursive: true });
    api = await startTestApiServer();
    registry = await startRegistry();
    const image = (await pushBusyboxImage(registry.host, `${prefix}/busybox:1`)).ref;
    runtime = await startRuntimeService({
      root,
      socket,
      cniConfDir: confDir,
      cniBinDirs: ['/usr/lib/cni'],
      podCidr,
      bridge,
      networkName: prefix,
      log,
    });
    cri = connectCri(`unix://${socket}`);
    await cri.images.pullImage(image);
    const client = new ApiClient(api.clientConfig);
    const a = api;
    const c = cri;
    const startK = async () => {
      kubelet = await startKubelet({
        clientConfig: a.clientConfig,
        runtimeEndpoint: `unix://${socket}`,
        nodeName,
        rootDir: kubeletRoot,
        nodeIP: '127.0.0.1',
        address: '127.0.0.1',
        port: 0,
        cgroupRoot: prefix,
        log,
      });
      return kubelet;
    };
    await startK();
    return {
      prefix,
      podCidr,
      bridge,
      dir,
      api: a,
      client,
      pods: client.resource<PodObject>('pods'),
      image,
      nodeName,
      cri: c,
      kubelet: () => kubelet,
      startKubelet: startK,
      stopKubelet: async () => {
        await kubelet?.stop();
        kubelet = undefined;
      },
      podSpec: (name, spec) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { nodeName, terminationGracePeriodSeconds: 5, containers: [], ...spec },
      }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
