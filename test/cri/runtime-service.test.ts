// The CRI service over gRPC with every part below it faked: validation, errors, idempotency,
// filters, failure cleanup and crash recovery. No root, no host state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { loadCri } from '../../runtime/cri/proto-loader.js';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRuntimeServiceWith, type RuntimeService } from '../../runtime/cri/runtime-server.js';
import { JsonRecordStore } from '../../runtime/cri/record-store.js';
import type { SandboxRecord } from '../../runtime/sandbox/sandbox-record.js';
import type { OciSpec } from '../../runtime/executor/executor.js';
import { createCriClient, type CriCallError, type CriClient } from '../fixtures/cri-client.js';
import { fakeParts, type FakeSet } from './fake-parts.js';

const readSpec = (bundle: string): OciSpec => JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as OciSpec;

const podConfig = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 },
  hostname: name,
  labels: { app: name },
  port_mappings: [{ protocol: 'TCP' as const, container_port: 80, host_port: 8080 }],
  ...extra,
});

const ctrConfig = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, attempt: 0 },
  image: { image: 'busybox' },
  command: ['sleep', '1000'],
  labels: { ctr: name },
  ...extra,
});

async function code(p: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as CriCallError).code, details: (err as CriCallError).details };
  }
  throw new Error('expected the call to fail');
}

describe('CRI runtime service (fakes)', () => {
  let dir: string;
  let fakes: FakeSet;
  let svc: RuntimeService;
  let client: CriClient;

  const start = async () => {
    svc = await startRuntimeServiceWith(
      { root: join(dir, 'root'), socket: join(dir, 'cri.sock'), cniConfDir: join(dir, 'net.d'), podCidr: '10.250.0.0/24', log: pino({ level: 'silent' }) },
      fakes.parts,
    );
    client = createCriClient(join(dir, 'cri.sock'), { timeoutMs: 10_000 });
  };
  const stop = async () => {
    client.close();
    await svc.close();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cri-unit-'));
    fakes = fakeParts(readSpec);
    await start();
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers Version and Status, and writes the default conflist', async () => {
    const v = await client.version({});
    expect(v).toMatchObject({ runtime_name: 'skiff', runtime_api_version: 'v1' });
    const s = await client.status({});
    expect(s.status?.conditions.map((c) => [c.type, c.status])).toEqual([['RuntimeReady', true], ['NetworkReady', true]]);
    const conf = JSON.parse(readFileSync(join(dir, 'net.d', '10-skiff.conflist'), 'utf8'));
    expect(conf.plugins.map((p: { type: string }) => p.type)).toEqual(['bridge', 'portmap', 'loopback']);
    expect(conf.plugins[0].ipam.ranges[0][0].subnet).toBe('10.250.0.0/24');
    fakes.plugins.absent = ['portmap'];
    const down = (await client.status({})).status?.conditions.find((c) => c.type === 'NetworkReady');
    expect(down).toMatchObject({ status: false, reason: 'NetworkPluginNotReady', message: 'network skiff: CNI plugin binaries not found: portmap' });
  });

  it('runs a sandbox: pause with net/ipc/uts, pinned netns, CNI chain, IP in status', async () => {
    const { pod_sandbox_id: id } = await client.runPodSandbox({ config: podConfig('web') });
    const st = await client.podSandboxStatus({ pod_sandbox_id: id });
    expect(st.status?.state).toBe('SANDBOX_READY');
    expect(st.status?.network?.ip).toBe('10.250.0.2');
    const spec = [...fakes.pause.alive.values()][0];
    expect(spec.unshare.sort()).toEqual(['ipc', 'net', 'uts']);
    expect(spec.hostname).toBe('web');
    const adds = fakes.plugins.calls.filter((c) => c.command === 'ADD');
    expect(adds.map((c) => c.plugin)).toEqual(['bridge', 'portmap', 'loopback']);
    expect(adds[1].stdin.prevResult).toBeTruthy();
    expect(adds[1].stdin.runtimeConfig).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    expect(adds[0].args).toContain('K8S_POD_NAME=web');
    expect(fakes.pinner.pinned.size).toBe(1);
    // a second sandbox with the same name and attempt is refused
    expect((await code(client.runPodSandbox({ config: podConfig('web') }))).code).toBe(status.ALREADY_EXISTS);
  });

  it('shares the PID namespace only when namespace_options.pid is POD; host network skips CNI', async () => {
    await client.runPodSandbox({ config: podConfig('shared', { linux: { security_context: { namespace_options: { pid: 'POD' } } } }) });
    await client.runPodSandbox({ config: podConfig('host', { linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER' } } } }) });
    const specs = [...fakes.pause.alive.values()];
    expect(specs[0].unshare.sort()).toEqual(['ipc', 'net', 'pid', 'uts']);
    expect(specs[1].unshare).toEqual(['ipc']);
    expect(fakes.plugins.calls.filter((c) => c.command === 'ADD')).toHaveLength(3);
  });

  it('rejects malformed requests naming the field, leaving nothing', async () => {
    const bad: [unknown, string][] = [
      [{}, 'config: required'],
      [{ config: { metadata: { namespace: 'd', uid: 'u' } } }, 'config.metadata.name: required'],
      [{ config: { metadata: { name: 'x', namespace: 'd', uid: 'u' }, hostname: 'bad host' } }, 'config.hostname'],
      [{ config: { ...podConfig('x'), port_mappings: [{ container_port: 70000 }] } }, 'config.port_mappings[0].container_port'],
      [{ config: podConfig('x'), runtime_handler: 'kata' }, 'runtime_handler'],
    ];
    for (const [req, msg] of bad) {
      const e = await code(client.runPodSandbox(req as never));
      expect(e.code).toBe(status.INVALID_ARGUMENT);
      expect(e.details).toContain(msg);
    }
    expect(fakes.pause.alive.size).toBe(0);
    expect((await client.listPodSandbox({})).items).toHaveLength(0);
  });

  it('undoes a RunPodSandbox whose CNI plugin fails: no pause, netns, lease, cgroup or record', async () => {
    fakes.plugins.failAddOf = 'portmap';
    const e = await code(client.runPodSandbox({ config: podConfig('fails') }));
    expect(e.code).toBe(status.INTERNAL);
    expect(e.details).toContain('CNI ADD portmap: scripted failure');
    expect(fakes.pause.alive.size).toBe(0);
    expect(fakes.pinner.pinned.size).toBe(0);
    expect(fakes.plugins.leases.size).toBe(0);
    expect(fakes.cgroups.paths.size).toBe(0);
    expect(await new JsonRecordStore(join(dir, 'root', 'state', 'sandboxes')).list()).toEqual([]);
    fakes.plugins.failAddOf = undefined;
    await client.runPodSandbox({ config: podConfig('fails') });
  });

  it('retries the undo of a half-made sandbox whose CNI DEL failed when the same name is run again', async () => {
    fakes.plugins.failAddOf = 'loopback';
    fakes.plugins.failDelOf = 'portmap';
    await code(client.runPodSandbox({ config: podConfig('stuck') }));
    expect(fakes.plugins.leases.size).toBe(0); // bridge DEL still ran after portmap's failed
    const records = () => new JsonRecordStore<SandboxRecord>(join(dir, 'root', 'state', 'sandboxes')).list();
    expect((await records()).map((r) => r.phase)).toEqual(['creating']);
    fakes.plugins.failAddOf = undefined;
    fakes.plugins.failDelOf = undefined;
    const { pod_sandbox_id } = await client.runPodSandbox({ config: podConfig('stuck') });
    expect((await records()).map((r) => [r.id, r.phase])).toEqual([[pod_sandbox_id, 'ready']]);
  });

  it('creates, starts, stops and removes containers with Kubernetes command semantics', async () => {
    const { pod_sandbox_id: sb } = await client.runPodSandbox({ config: podConfig('app', { log_directory: join(dir, 'logs') }) });
    const { container_id: id } = await client.createContainer({
      pod_sandbox_id: sb,
      config: ctrConfig('main', { args: ['x'], envs: [{ key: 'A', value: '1' }], log_path: 'main/0.log', linux: { resources: { memory_limit_in_bytes: 64 << 20 }, security_context: { capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['KILL'] } } } }),
      sandbox_config: podConfig('app'),
    });
    const spec = fakes.executor.containers.get(id)!.spec;
    expect(spec.process?.args).toEqual(['sleep', '1000', 'x']);
    expect(spec.process?.env).toContain('A=1');
    expect(spec.process?.capabilities?.bounding).toEqual(['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_NET_RAW']);
    expect(spec.linux?.resources?.memory?.limit).toBe(64 << 20);
    const pausePid = [...fakes.pause.alive.keys()][0];
    expect(spec.linux?.namespaces).toEqual([
      { type: 'mount' },
      { type: 'pid' },
      { type: 'network', path: join(dir, 'root', 'netns', sb) },
      { type: 'uts', path: `/proc/${pausePid}/ns/uts` },
      { type: 'ipc', path: `/proc/${pausePid}/ns/ipc` },
    ]);
    expect(spec.mounts?.map((m) => m.destination)).toEqual(['/proc', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);
    expect(fakes.executor.containers.get(id)!.logPath).toBe(join(dir, 'logs', 'main/0.log'));
    expect((await code(client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('main') }))).code).toBe(status.ALREADY_EXISTS);

    let cs = await client.containerStatus({ container_id: id });
    expect(cs.status?.state).toBe('CONTAINER_CREATED');
    await client.startContainer({ container_id: id });
    cs = await client.containerStatus({ container_id: id });
    expect(cs.status?.state).toBe('CONTAINER_RUNNING');
    const ex = await client.execSync({ container_id: id, cmd: ['echo', 'hi'], timeout: 5 });
    expect(ex.stdout.toString()).toBe('out:echo hi');
    const stats = await client.containerStats({ container_id: id });
    expect(stats.stats?.memory?.working_set_bytes?.value).toBe(80);
    expect(stats.stats?.cpu?.usage_nano_cores).toBeNull(); // a rate needs two samples
    await new Promise((r) => setTimeout(r, 5));
    expect((await client.containerStats({ container_id: id })).stats?.cpu?.usage_nano_cores?.value).toBe(0);
    expect(stats.stats?.memory?.available_bytes?.value).toBe((64 << 20) - 80);
    await client.stopContainer({ container_id: id, timeout: 5 });
    cs = await client.containerStatus({ container_id: id });
    expect(cs.status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 143, reason: 'Error' });
    await client.stopContainer({ container_id: id, timeout: 5 });
    await client.removeContainer({ container_id: id });
    await client.removeContainer({ container_id: id });
    expect(fakes.executor.containers.size).toBe(0);
    expect(fakes.snapshotter.mounted.size).toBe(0);
    expect((await code(client.containerStatus({ container_id: id }))).code).toBe(status.NOT_FOUND);
  });

  it('reports Completed and OOMKilled reasons', async () => {
    const { pod_sandbox_id: sb } = await client.runPodSandbox({ config: podConfig('r') });
    const a = (await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('a') })).container_id;
    const b = (await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('b') })).container_id;
    await client.startContainer({ container_id: a });
    await client.startContainer({ container_id: b });
    fakes.executor.exit(a, 0);
    fakes.executor.exit(b, 137, true);
    expect((await client.containerStatus({ container_id: a })).status).toMatchObject({ reason: 'Completed', exit_code: 0 });
    expect((await client.containerStatus({ container_id: b })).status).toMatchObject({ reason: 'OOMKilled', exit_code: 137 });
  });

  it('filters lists by id prefix, state, labels and sandbox', async () => {
    const s1 = (await client.runPodSandbox({ config: podConfig('one') })).pod_sandbox_id;
    const s2 = (await client.runPodSandbox({ config: podConfig('two') })).pod_sandbox_id;
    const c1 = (await client.createContainer({ pod_sandbox_id: s1, config: ctrConfig('c1') })).container_id;
    await client.createContainer({ pod_sandbox_id: s2, config: ctrConfig('c2') });
    await client.startContainer({ container_id: c1 });
    expect((await client.listPodSandbox({ filter: { id: s1.slice(0, 8) } })).items.map((i) => i.id)).toEqual([s1]);
    expect((await client.listPodSandbox({ filter: { label_selector: { app: 'two' } } })).items.map((i) => i.id)).toEqual([s2]);
    expect((await client.listContainers({ filter: { state: { state: 'CONTAINER_RUNNING' } } })).containers.map((c) => c.id)).toEqual([c1]);
    expect((await client.listContainers({ filter: { pod_sandbox_id: s2 } })).containers.map((c) => c.metadata?.name)).toEqual(['c2']);
    expect((await client.listContainers({ filter: { label_selector: { ctr: 'c1' } } })).containers).toHaveLength(1);
    await client.stopPodSandbox({ pod_sandbox_id: s1 });
    expect((await client.listPodSandbox({ filter: { state: { state: 'SANDBOX_NOTREADY' } } })).items.map((i) => i.id)).toEqual([s1]);
    expect((await client.listContainers({ filter: { id: c1 } })).containers[0].state).toBe('CONTAINER_EXITED');
  });

  it('stop and remove are idempotent and release everything; unknown ids are NOT_FOUND for status', async () => {
    const sb = (await client.runPodSandbox({ config: podConfig('gone') })).pod_sandbox_id;
    const c = (await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('c') })).container_id;
    await client.startContainer({ container_id: c });
    await client.stopPodSandbox({ pod_sandbox_id: sb });
    await client.stopPodSandbox({ pod_sandbox_id: sb });
    expect(fakes.plugins.leases.size).toBe(0);
    expect(fakes.pinner.pinned.size).toBe(0);
    expect(fakes.pause.alive.size).toBe(0);
    await client.removePodSandbox({ pod_sandbox_id: sb });
    await client.removePodSandbox({ pod_sandbox_id: sb });
    await client.removePodSandbox({ pod_sandbox_id: 'f'.repeat(64) });
    expect(fakes.executor.containers.size).toBe(0);
    expect(fakes.cgroups.paths.size).toBe(0);
    expect((await code(client.podSandboxStatus({ pod_sandbox_id: sb }))).code).toBe(status.NOT_FOUND);
    expect((await code(client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('x') }))).code).toBe(status.NOT_FOUND);
  });

  it('passes an empty CNI_NETNS to DEL when the namespace is no longer pinned (after a reboot)', async () => {
    const sb = (await client.runPodSandbox({ config: podConfig('rebooted') })).pod_sandbox_id;
    fakes.pause.alive.clear();
    fakes.pinner.pinned.clear();
    expect((await client.podSandboxStatus({ pod_sandbox_id: sb })).status?.state).toBe('SANDBOX_NOTREADY');
    await client.stopPodSandbox({ pod_sandbox_id: sb });
    const dels = fakes.plugins.calls.filter((c) => c.command === 'DEL');
    expect(dels.map((c) => [c.plugin, c.netns])).toEqual([['loopback', ''], ['portmap', ''], ['bridge', '']]);
    expect(dels[2].stdin.prevResult).toBeTruthy();
    expect(fakes.plugins.leases.size).toBe(0);
  });

  it('rejects bad container configs naming the field', async () => {
    const sb = (await client.runPodSandbox({ config: podConfig('v') })).pod_sandbox_id;
    const cases: [Record<string, unknown>, string, status][] = [
      [{ metadata: { name: '' }, image: { image: 'busybox' } }, 'config.metadata.name: required', status.INVALID_ARGUMENT],
      [{ metadata: { name: 'Bad_Name' }, image: { image: 'busybox' } }, 'config.metadata.name', status.INVALID_ARGUMENT],
      [{ metadata: { name: 'a' } }, 'config.image.image: required', status.INVALID_ARGUMENT],
      [ctrConfig('a', { mounts: [{ container_path: 'rel', host_path: '/tmp' }] }), 'config.mounts[0].container_path', status.INVALID_ARGUMENT],
      [ctrConfig('a', { mounts: [{ container_path: '/x', host_path: '/no/such/skiff/path' }] }), 'config.mounts[0].host_path', status.INVALID_ARGUMENT],
      [ctrConfig('a', { linux: { resources: { memory_limit_in_bytes: 1000 } } }), 'config.linux.resources.memory_limit_in_bytes', status.INVALID_ARGUMENT],
      [ctrConfig('a', { image: { image: 'nosuchimage' } }), 'image "nosuchimage" not found', status.NOT_FOUND],
    ];
    for (const [config, msg, c] of cases) {
      const e = await code(client.createContainer({ pod_sandbox_id: sb, config }));
      expect(e.code, msg).toBe(c);
      expect(e.details).toContain(msg);
    }
    expect(fakes.executor.containers.size).toBe(0);
    expect(fakes.snapshotter.mounted.size).toBe(0);
    expect((await client.listContainers({})).containers).toHaveLength(0);
  });

  it('answers UNIMPLEMENTED with a message for Attach and for streaming RPCs', async () => {
    // (Exec and PortForward belong to the streaming server: runtime/streaming, tested there)
    const sb = (await client.runPodSandbox({ config: podConfig('att') })).pod_sandbox_id;
    const c = (await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('c') })).container_id;
    const e = await code(client.attach({ container_id: c, stdout: true }));
    expect(e.code).toBe(status.UNIMPLEMENTED);
    expect(e.details).toMatch(/Attach.*not implemented|not implemented.*Attach/i);
    // a streaming RPC (GetContainerEvents) answers UNIMPLEMENTED too
    const { RuntimeService } = loadCri();
    const raw = new RuntimeService(`unix://${join(dir, 'cri.sock')}`, credentials.createInsecure());
    try {
      const streamErr = await new Promise<{ code: status; details: string }>((resolve) => {
        const stream = (raw as unknown as { GetContainerEvents(req: object): NodeJS.EventEmitter }).GetContainerEvents({});
        stream.on('data', () => undefined);
        stream.on('error', (e: { code: status; details: string }) => resolve(e));
      });
      expect(streamErr.code).toBe(status.UNIMPLEMENTED);
      expect(streamErr.details).toContain('GetContainerEvents is not implemented');
    } finally {
      raw.close();
    }
  });

  it('recovers sandboxes and containers after a restart, and tears down one half-made by a crash', async () => {
    const sb = (await client.runPodSandbox({ config: podConfig('keep') })).pod_sandbox_id;
    const c = (await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('c') })).container_id;
    await client.startContainer({ container_id: c });
    await stop();
    // a crash in the middle of a RunPodSandbox: its intent record says "creating"
    const store = new JsonRecordStore<SandboxRecord>(join(dir, 'root', 'state', 'sandboxes'));
    const half = { ...(await store.read(sb))!, id: 'e'.repeat(64), key: 'half_default_uid-half_0', phase: 'creating' as const, netnsPath: join(dir, 'root', 'netns', 'e'.repeat(64)), pause: { pid: 999, startTime: 1 } };
    fakes.pause.alive.set(999, { unshare: ['net'], cgroupProcs: [] });
    fakes.pinner.pinned.add(half.netnsPath);
    await store.write(half.id, half);
    fakes.executor.exit(c, 0); // exits while the runtime is down
    await start();
    expect((await client.listPodSandbox({})).items.map((i) => [i.id, i.state])).toEqual([[sb, 'SANDBOX_READY']]);
    expect((await client.containerStatus({ container_id: c })).status).toMatchObject({ state: 'CONTAINER_EXITED', reason: 'Completed' });
    expect(fakes.pause.alive.has(999)).toBe(false);
    expect(fakes.pinner.pinned.has(half.netnsPath)).toBe(false);
    expect(fakes.plugins.calls.some((x) => x.command === 'DEL' && x.containerId === half.id)).toBe(true);
  });

  it('takes the pod CIDR from UpdateRuntimeConfig and updates container resources', async () => {
    await client.updateRuntimeConfig({ runtime_config: { network_config: { pod_cidr: '10.251.3.0/24' } } });
    const conf = JSON.parse(readFileSync(join(dir, 'net.d', '10-skiff.conflist'), 'utf8'));
    expect(conf.plugins[0].ipam.ranges[0][0].subnet).toBe('10.251.3.0/24');
    expect((await code(client.updateRuntimeConfig({ runtime_config: { network_config: { pod_cidr: 'nope' } } }))).code).toBe(status.INVALID_ARGUMENT);
    const sb = (await client.runPodSandbox({ config: podConfig('res') })).pod_sandbox_id;
    const c = (await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('c') })).container_id;
    await client.updateContainerResources({ container_id: c, linux: { memory_limit_in_bytes: 128 << 20, cpu_shares: 256 } });
    const path = [...fakes.cgroups.limits.keys()][0];
    expect(path).toMatch(new RegExp(`^skiff/poduid-res/skiff-${c.slice(0, 12)}$`));
    expect(fakes.cgroups.limits.get(path)).toMatchObject({ memoryLimitBytes: 128 << 20, cpuShares: 256 });
    expect((await client.containerStatus({ container_id: c })).status?.resources?.linux?.memory_limit_in_bytes).toBe(128 << 20);
    const e = await code(client.updateContainerResources({ container_id: c, linux: { cpu_quota: 5 } }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe('linux.cpu_quota: 5 is below the 1000 µs minimum');
  });

  it('limits the pod cgroup with the sandbox resources, and updates them', async () => {
    const res = { memory_limit_in_bytes: 256 << 20, cpu_quota: 50000, cpu_period: 100000 };
    const sb = (await client.runPodSandbox({ config: podConfig('limited', { linux: { resources: res } }) })).pod_sandbox_id;
    expect(fakes.cgroups.limits.get('skiff/poduid-limited')).toMatchObject({ memoryLimitBytes: 256 << 20, cpuQuota: 50000, cpuPeriod: 100000 });
    await client.updatePodSandboxResources({ pod_sandbox_id: sb, resources: { memory_limit_in_bytes: 512 << 20 } });
    expect(fakes.cgroups.limits.get('skiff/poduid-limited')).toMatchObject({ memoryLimitBytes: 512 << 20 });
    const e = await code(client.updatePodSandboxResources({ pod_sandbox_id: sb, resources: { memory_limit_in_bytes: 5 } }));
    expect(e).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'resources.memory_limit_in_bytes: 5 is below the 4 MiB minimum' });
  });

  it('serves the ImageService over the store', async () => {
    const pulled = await client.pullImage({ image: { image: 'busybox' } });
    expect(pulled.image_ref).toMatch(/^sha256:/);
    expect((await client.listImages({})).images[0].repo_tags).toEqual(['registry.test/busybox:latest']);
    expect((await client.imageStatus({ image: { image: 'nothing' } })).image).toBeNull();
    expect((await code(client.pullImage({ image: { image: 'missing:1' } }))).code).toBe(status.NOT_FOUND);
    const fs = await client.imageFsInfo();
    expect(fs.image_filesystems[0].used_bytes?.value).toBe(1000);
    const sb = (await client.runPodSandbox({ config: podConfig('img') })).pod_sandbox_id;
    await client.createContainer({ pod_sandbox_id: sb, config: ctrConfig('c') });
    expect((await code(client.removeImage({ image: { image: pulled.image_ref } }))).code).toBe(status.FAILED_PRECONDITION);
  });
});
