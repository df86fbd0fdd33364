// The CRI service for real, through gRPC: pause sandboxes wired by the CNI reference plugins,
// busybox containers from a local registry, joined to the pod's namespaces. Everything the tests
// make is named with a per-run `skiff` prefix (bridge, pod CIDR, dirs, cgroups) and removed after.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeService } from '../../runtime/cri/real-parts.js';
import type { RuntimeService } from '../../runtime/cri/runtime-server.js';
import { createCriClient, type CriCallError, type CriClient } from '../fixtures/cri-client.js';
import { pushBusyboxImage } from '../fixtures/busybox-image.js';
import { freePort, startRegistry, type TestRegistry } from '../fixtures/registry.js';
import { cleanupHost, createHostHarness, sleep, until } from './host-harness.js';

const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
function httpGet(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const nsInode = (pid: number, ns: string) => statSync(`/proc/${pid}/ns/${ns}`).ino;

describe('skiff runtime (real containers)', () => {
  const h = createHostHarness('t');
  const { prefix, bridge, podCidr, dir, root, socket, confDir, binDir } = h;
  let registry: TestRegistry;
  let image: string;
  let svc: RuntimeService | undefined;
  let client: CriClient;

  const startRuntime = async () => {
    svc = await startRuntimeService({
      root,
      socket,
      cniConfDir: confDir,
      cniBinDirs: [binDir, '/usr/lib/cni'],
      podCidr,
      bridge,
      networkName: prefix,
      log: pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' }),
    });
  };

  const podConfig = (name: string, extra: Record<string, unknown> = {}) => ({
    metadata: { name, namespace: 'default', uid: `${prefix}-${name}`, attempt: 0 },
    hostname: name,
    log_directory: join(dir, 'logs', name),
    linux: { cgroup_parent: `${prefix}/pod-${name}` },
    ...extra,
  });

  const ctr = (name: string, command: string[], extra: Record<string, unknown> = {}) => ({
    metadata: { name, attempt: 0 },
    image: { image },
    command,
    log_path: `${name}/0.log`,
    linux: { security_context: { namespace_options: { network: 'POD' as const, pid: 'CONTAINER' as const, ipc: 'POD' as const } } },
    ...extra,
  });

  const runPod = async (name: string, extra: Record<string, unknown> = {}) => {
    const { pod_sandbox_id } = await client.runPodSandbox({ config: podConfig(name, extra) });
    return pod_sandbox_id;
  };

  const startCtr = async (sb: string, name: string, command: string[], extra: Record<string, unknown> = {}) => {
    const { container_id } = await client.createContainer({ pod_sandbox_id: sb, config: ctr(name, command, extra) });
    await client.startContainer({ container_id });
    return container_id;
  };

  const pidOf = async (id: string) => (await svc!.containers.execState(svc!.containers.get(id)))!.pid;

  beforeAll(async () => {
    // a plugin that fails every ADD (and tolerates DEL), to test that a failed RunPodSandbox leaves nothing
    writeFileSync(join(binDir, 'skiff-fail'), '#!/bin/sh\ncat >/dev/null\nif [ "$CNI_COMMAND" = ADD ]; then echo \'{"cniVersion":"1.0.0","code":11,"msg":"skiff test failure","details":"scripted"}\'; exit 1; fi\nexit 0\n');
    chmodSync(join(binDir, 'skiff-fail'), 0o755);
    registry = await startRegistry();
    image = (await pushBusyboxImage(registry.host, `${prefix}/busybox:1`)).ref;
    await startRuntime();
    client = createCriClient(socket);
    await client.pullImage({ image: { image } });
  });

  afterAll(async () => {
    try {
      if (svc) {
        for (const sb of svc.sandboxes.list()) await client.removePodSandbox({ pod_sandbox_id: sb.id }).catch(() => undefined);
        client.close();
        await svc.close();
      }
    } finally {
      await registry?.stop();
      cleanupHost(h);
    }
  });

  it('pulls with registry credentials, lists, inspects and removes images', async () => {
    const secured = await startRegistry({ htpasswd: { user: 'skiff', password: 'sekrit' } });
    try {
      const ref = (await pushBusyboxImage(secured.host, `${prefix}/private:1`, { creds: { user: 'skiff', password: 'sekrit' } })).ref;
      const denied = await client.pullImage({ image: { image: ref } }).catch((e: CriCallError) => e);
      expect((denied as CriCallError).code).toBe(status.PERMISSION_DENIED);
      const { image_ref } = await client.pullImage({ image: { image: ref }, auth: { username: 'skiff', password: 'sekrit' } });
      expect(image_ref).toMatch(/^sha256:[0-9a-f]{64}$/);
      const st = await client.imageStatus({ image: { image: ref } });
      expect(st.image?.id).toBe(image_ref);
      expect(st.image?.repo_tags).toContain(ref); // the same content was pulled before under another name
      expect((await client.listImages({})).images.map((i) => i.id)).toContain(image_ref);
      await client.removeImage({ image: { image: ref } });
      await client.removeImage({ image: { image: ref } });
      expect((await client.imageStatus({ image: { image: ref } })).image).toBeNull();
      // RemoveImage removes the image with all its names, the suite's own busybox too: pull it back
      await client.pullImage({ image: { image } });
      expect((await client.imageFsInfo()).image_filesystems[0].used_bytes?.value).toBeGreaterThan(0);
    } finally {
      await secured.stop();
    }
  });

  it('runs httpd and a fetcher in one pod: shared localhost and netns, separate PID ns and rootfs', async () => {
    const hostPort = await freePort();
    const sb = await runPod('web', { port_mappings: [{ protocol: 'TCP', container_port: 8080, host_port: hostPort }] });
    const httpd = await startCtr(sb, 'httpd', ['sh', '-c', 'mkdir -p /www && echo skiff-page-$HOSTNAME > /www/index.html && exec httpd -f -p 8080 -h /www']);
    const fetcher = await startCtr(sb, 'fetcher', ['sh', '-c', 'while true; do wget -qO- http://127.0.0.1:8080/; sleep 0.2; done']);
    const log = join(dir, 'logs', 'web', 'fetcher', '0.log');
    const logText = await until('the fetcher log to show the page', () => {
      const t = existsSync(log) ? readFileSync(log, 'utf8') : '';
      return t.includes('skiff-page-web') ? t : undefined;
    });
    expect(logText).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout F skiff-page-web$/m);

    const [p1, p2] = [await pidOf(httpd), await pidOf(fetcher)];
    expect(nsInode(p1, 'net')).toBe(nsInode(p2, 'net'));
    expect(nsInode(p1, 'uts')).toBe(nsInode(p2, 'uts'));
    expect(nsInode(p1, 'pid')).not.toBe(nsInode(p2, 'pid'));
    expect(nsInode(p1, 'mnt')).not.toBe(nsInode(p2, 'mnt'));
    expect(statSync(`/proc/${p1}/root/`).dev).not.toBe(statSync(`/proc/${p2}/root/`).dev);
    expect(nsInode(p1, 'net')).not.toBe(nsInode(process.pid, 'net'));

    const st = await client.podSandboxStatus({ pod_sandbox_id: sb });
    expect(st.status?.state).toBe('SANDBOX_READY');
    const ip = st.status!.network!.ip;
    expect(ip.startsWith(h.subnet)).toBe(true);
    expect(await httpGet(ip, 8080)).toBe('skiff-page-web\n');

    // hostPort: portmap DNATs locally generated traffic to any local address (OUTPUT chain); the
    // node's own address on the pod bridge is such an address.
    const gateway = `${h.subnet}1`;
    expect(run('iptables-save', ['-t', 'nat'])).toContain(`--dport ${hostPort}`);
    expect(await httpGet(gateway, hostPort)).toBe('skiff-page-web\n');

    const cs = await client.containerStatus({ container_id: fetcher });
    expect(cs.status).toMatchObject({ state: 'CONTAINER_RUNNING', log_path: log });
    const stats = await client.podSandboxStats({ pod_sandbox_id: sb });
    expect(stats.stats?.linux?.memory?.working_set_bytes?.value).toBeGreaterThan(0);
    expect(stats.stats?.linux?.network?.default_interface?.rx_bytes?.value).toBeGreaterThan(0);
    expect(stats.stats?.linux?.containers).toHaveLength(2);
  });

  it('shares one PID namespace when the pod asks for it, and the host network when it asks for that', async () => {
    const shared = await runPod('sharedpid', { linux: { cgroup_parent: `${prefix}/pod-sharedpid`, security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } } });
    const podPid = { linux: { security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } } };
    const a = await startCtr(shared, 'a', ['sleep', '600'], podPid);
    const b = await startCtr(shared, 'b', ['sleep', '600'], podPid);
    const pause = svc!.sandboxes.get(shared).pause!.pid;
    expect(nsInode(await pidOf(a), 'pid')).toBe(nsInode(pause, 'pid'));
    expect(nsInode(await pidOf(b), 'pid')).toBe(nsInode(pause, 'pid'));
    // StartContainer returns once the init is released, a moment before it execs (as runc does):
    // look until both sleeps show in the shared process list
    let listing = '';
    for (let i = 0; i < 50 && !/sleep 600[\s\S]*sleep 600/.test(listing); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      listing = (await client.execSync({ container_id: b, cmd: ['ps', '-o', 'pid,args'], timeout: 10 })).stdout.toString();
    }
    expect(listing).toMatch(/sleep 600[\s\S]*sleep 600/);

    const host = await runPod('hostnet', { linux: { cgroup_parent: `${prefix}/pod-hostnet`, security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } } });
    const h = await startCtr(host, 'h', ['sleep', '600'], { linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } } });
    expect(nsInode(await pidOf(h), 'net')).toBe(nsInode(process.pid, 'net'));
    const st = await client.podSandboxStatus({ pod_sandbox_id: host });
    expect(st.status).toMatchObject({ state: 'SANDBOX_READY', network: { ip: '' } });
    expect(svc!.sandboxes.get(host).netnsPath).toBe('');
  });

  it('ExecSync returns output and exit code, and times out', async () => {
    const hostPortStart = readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8');
    const sb = await runPod('exec', { linux: { cgroup_parent: `${prefix}/pod-exec`, sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80', 'kernel.shm_rmid_forced': '1' } } });
    const id = await startCtr(sb, 'main', ['sleep', '600'], { envs: [{ key: 'GREETING', value: 'hi' }] });
    const sysctls = await client.execSync({ container_id: id, cmd: ['cat', '/proc/sys/net/ipv4/ip_unprivileged_port_start', '/proc/sys/kernel/shm_rmid_forced'], timeout: 10 });
    expect(sysctls.stdout.toString()).toBe('80\n1\n');
    expect(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')).toBe(hostPortStart);
    const r = await client.execSync({ container_id: id, cmd: ['sh', '-c', 'echo $GREETING; cat /etc/hostname; echo err >&2; exit 3'], timeout: 10 });
    expect(r.stdout.toString()).toBe('hi\nexec\n');
    expect(r.stderr.toString()).toBe('err\n');
    expect(r.exit_code).toBe(3);
    const e = await client.execSync({ container_id: id, cmd: ['sleep', '30'], timeout: 1 }).catch((err: CriCallError) => err);
    expect((e as CriCallError).code).toBe(status.DEADLINE_EXCEEDED);
  });

  it('StopContainer sends SIGTERM, then SIGKILL after the timeout', async () => {
    const sb = await runPod('stopper');
    // PID 1 of a PID namespace only gets the signals it handles: both trap TERM
    const polite = await startCtr(sb, 'polite', ['sh', '-c', 'trap "exit 3" TERM; echo ready; while true; do sleep 0.1; done']);
    const stubborn = await startCtr(sb, 'stubborn', ['sh', '-c', 'trap "echo got TERM" TERM; echo ready; while true; do sleep 0.1; done']);
    const logOf = (name: string) => join(dir, 'logs', 'stopper', name, '0.log');
    for (const name of ['polite', 'stubborn']) await until(`${name} to trap TERM`, () => existsSync(logOf(name)) && readFileSync(logOf(name), 'utf8').includes('ready'));
    await client.stopContainer({ container_id: polite, timeout: 30 });
    expect((await client.containerStatus({ container_id: polite })).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 3, reason: 'Error' });
    await client.stopContainer({ container_id: stubborn, timeout: 1 });
    // TERM came first (the trap ran), then KILL ended it
    expect(readFileSync(logOf('stubborn'), 'utf8')).toContain('stdout F got TERM');
    expect((await client.containerStatus({ container_id: stubborn })).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 137 });
    await client.stopContainer({ container_id: stubborn, timeout: 1 });
  });

  it('reopens a container log after the kubelet rotated it', async () => {
    const sb = await runPod('logs');
    const id = await startCtr(sb, 'ticker', ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.1; done']);
    const log = join(dir, 'logs', 'logs', 'ticker', '0.log');
    await until('the first ticks', () => existsSync(log) && readFileSync(log, 'utf8').includes('tick-2'));
    renameSync(log, `${log}.1`);
    await client.reopenContainerLog({ container_id: id });
    await until('ticks in the new file', () => existsSync(log) && /stdout F tick-\d+/.test(readFileSync(log, 'utf8')));
    const firstNew = Number(/tick-(\d+)/.exec(readFileSync(log, 'utf8'))![1]);
    const lastOld = Number([...readFileSync(`${log}.1`, 'utf8').matchAll(/tick-(\d+)/g)].pop()![1]);
    expect(firstNew).toBeGreaterThan(lastOld);
  });

  it('ends a memory-limited container OOMKilled, and a clean exit Completed', async () => {
    const sb = await runPod('oom', { linux: { cgroup_parent: `${prefix}/pod-oom`, resources: { memory_limit_in_bytes: 64 << 20 } } });
    expect(readFileSync(`/sys/fs/cgroup/memory/${prefix}/pod-oom/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(64 << 20));
    const hog = await startCtr(sb, 'hog', ['sh', '-c', 'v=$(head -c 200000000 /dev/zero | tr "\\000" x); echo ${#v}'], { linux: { resources: { memory_limit_in_bytes: 16 << 20 } } });
    const done = await startCtr(sb, 'done', ['true']);
    const hs = await until('the hog to exit', async () => {
      const s = (await client.containerStatus({ container_id: hog })).status!;
      return s.state === 'CONTAINER_EXITED' ? s : undefined;
    });
    expect(hs).toMatchObject({ reason: 'OOMKilled', exit_code: 137 });
    const ds = await until('true to exit', async () => {
      const s = (await client.containerStatus({ container_id: done })).status!;
      return s.state === 'CONTAINER_EXITED' ? s : undefined;
    });
    expect(ds).toMatchObject({ reason: 'Completed', exit_code: 0 });
    expect(ds.finished_at).toBeGreaterThanOrEqual(ds.started_at);
  });

  it('recovers everything across a runtime restart, including an exit that happened while it was down', async () => {
    const sb = await runPod('restart');
    const keeper = await startCtr(sb, 'keeper', ['sleep', '600']);
    const quitter = await startCtr(sb, 'quitter', ['sh', '-c', 'sleep 2; exit 7']);
    const keeperPid = await pidOf(keeper);
    client.close();
    await svc!.close();
    svc = undefined;
    await sleep(3000);
    await startRuntime();
    client = createCriClient(socket);
    expect((await client.podSandboxStatus({ pod_sandbox_id: sb })).status?.state).toBe('SANDBOX_READY');
    expect((await client.containerStatus({ container_id: keeper })).status?.state).toBe('CONTAINER_RUNNING');
    expect(await pidOf(keeper)).toBe(keeperPid);
    expect((await client.containerStatus({ container_id: quitter })).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 7, reason: 'Error' });
    const r = await client.execSync({ container_id: keeper, cmd: ['echo', 'still here'], timeout: 10 });
    expect(r.stdout.toString()).toBe('still here\n');
  });

  it('stop and remove leave nothing behind', async () => {
    const sb = await runPod('gone', { port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: await freePort() }] });
    const id = await startCtr(sb, 'main', ['sleep', '600']);
    const rec = svc!.sandboxes.get(sb);
    const ip = rec.ip;
    const pausePid = rec.pause!.pid;
    const ctrPid = await pidOf(id);
    const netns = rec.netnsPath;
    const leaseFile = join(root, 'cni', 'networks', prefix, ip);
    expect(existsSync(leaseFile)).toBe(true);
    expect(run('iptables-save', ['-t', 'nat'])).toContain(sb);
    expect(run('ip', ['-o', 'link', 'show', 'master', bridge]).trim().split('\n').length).toBeGreaterThan(0);
    const vethsBefore = run('ip', ['-o', 'link', 'show', 'master', bridge]).trim().split('\n').filter(Boolean).length;

    await client.stopPodSandbox({ pod_sandbox_id: sb });
    await client.stopPodSandbox({ pod_sandbox_id: sb });
    expect((await client.containerStatus({ container_id: id })).status?.state).toBe('CONTAINER_EXITED');
    await client.removePodSandbox({ pod_sandbox_id: sb });
    await client.removePodSandbox({ pod_sandbox_id: sb });

    expect(existsSync(netns)).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(sb);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(id);
    expect(existsSync(leaseFile)).toBe(false);
    expect(run('iptables-save', [])).not.toContain(sb);
    expect(run('ip', ['-o', 'link', 'show', 'master', bridge]).trim().split('\n').filter(Boolean).length).toBe(vethsBefore - 1);
    expect(existsSync(`/proc/${pausePid}`) && !readFileSync(`/proc/${pausePid}/stat`, 'utf8').includes(') Z')).toBe(false);
    expect(existsSync(`/proc/${ctrPid}`)).toBe(false);
    for (const ctl of ['memory', 'pids', 'cpu']) expect(existsSync(`/sys/fs/cgroup/${ctl}/${prefix}/pod-gone`)).toBe(false);
    expect(existsSync(join(root, 'sandboxes', sb))).toBe(false);
    expect(existsSync(join(root, 'containers', id))).toBe(false);
    expect((await client.podSandboxStatus({ pod_sandbox_id: sb }).catch((e: CriCallError) => e)) as CriCallError).toMatchObject({ code: status.NOT_FOUND });
  });

  it('reports a sandbox whose pause died NOTREADY, and still cleans it up completely', async () => {
    const sb = await runPod('vanished');
    const rec = svc!.sandboxes.get(sb);
    const leaseFile = join(root, 'cni', 'networks', prefix, rec.ip);
    expect(existsSync(leaseFile)).toBe(true);
    process.kill(rec.pause!.pid, 'SIGKILL');
    await until('the sandbox to read NOTREADY', async () => (await client.podSandboxStatus({ pod_sandbox_id: sb })).status?.state === 'SANDBOX_NOTREADY');
    await client.stopPodSandbox({ pod_sandbox_id: sb });
    await client.removePodSandbox({ pod_sandbox_id: sb });
    expect(existsSync(leaseFile)).toBe(false);
    expect(existsSync(rec.netnsPath)).toBe(false);
    expect(run('iptables-save', [])).not.toContain(sb);
  });

  it('rejects malformed requests and undoes a RunPodSandbox whose plugin fails, leaving nothing', async () => {
    const netnsDir = join(root, 'netns');
    const before = existsSync(netnsDir) ? readdirSync(netnsDir).length : 0;
    const bad = await client.runPodSandbox({ config: { metadata: { namespace: 'default', uid: 'x' } } }).catch((e: CriCallError) => e);
    expect(bad).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'config.metadata.name: required' });
    const badCtr = await client.createContainer({ pod_sandbox_id: 'nope', config: ctr('x', ['true']) }).catch((e: CriCallError) => e);
    expect(badCtr).toMatchObject({ code: status.NOT_FOUND });

    // a conflist whose last plugin fails ADD: the bridge and IPAM have run by then
    const failing = {
      cniVersion: '1.0.0',
      name: prefix,
      plugins: [
        { type: 'bridge', bridge, isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], dataDir: join(root, 'cni', 'networks') } },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
        { type: 'skiff-fail' },
      ],
    };
    writeFileSync(join(confDir, '00-fail.conflist'), JSON.stringify(failing));
    try {
      const leasesBefore = readdirSync(join(root, 'cni', 'networks', prefix)).length;
      const vethsBefore = run('ip', ['-o', 'link', 'show', 'master', bridge]).trim().split('\n').filter(Boolean).length;
      const e = await client.runPodSandbox({ config: podConfig('fails', { port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: await freePort() }] }) }).catch((err: CriCallError) => err);
      expect((e as CriCallError).details).toContain('CNI ADD skiff-fail: skiff test failure: scripted');
      expect(readdirSync(join(root, 'cni', 'networks', prefix)).length).toBe(leasesBefore);
      expect(run('ip', ['-o', 'link', 'show', 'master', bridge]).trim().split('\n').filter(Boolean).length).toBe(vethsBefore);
      expect(existsSync(netnsDir) ? readdirSync(netnsDir).length : 0).toBe(before);
      expect(existsSync(`/sys/fs/cgroup/memory/${prefix}/pod-fails`)).toBe(false);
      expect(run('iptables-save', [])).not.toMatch(/skiff-fail|pod-fails/);
      expect((await client.listPodSandbox({ filter: { label_selector: {} } })).items.map((i) => i.metadata?.name)).not.toContain('fails');
    } finally {
      rmSync(join(confDir, '00-fail.conflist'));
    }
  });
});
