import { describe, expect, it } from 'vitest';
import { buildContainerSpec, containerArgs, containerCapabilities, containerEnv, type SandboxView } from '../../runtime/container/container-spec.js';
import { criStatusOf, rfc3339ToNanos, stopSignalOf } from '../../runtime/container/container-status.js';
import { resolveUser } from '../../runtime/container/user-resolver.js';
import { capabilitiesInMask } from '../../runtime/container/host-capabilities.js';
import { defaultSpec } from '../../runtime/executor/default-spec.js';
import type { ContainerConfig } from '../../runtime/cri/cri-types.js';

const cfg = (over: Partial<ContainerConfig> = {}): ContainerConfig => ({
  metadata: { name: 'c', attempt: 0 },
  image: { image: 'busybox', annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' },
  command: [], args: [], working_dir: '', envs: [], mounts: [], devices: [], labels: {}, annotations: {}, log_path: '',
  stdin: false, stdin_once: false, tty: false, linux: null, stop_signal: 'RUNTIME_DEFAULT',
  ...over,
});

const sandbox: SandboxView = {
  pausePid: 42, netnsPath: '/run/netns/x', hostNetwork: false, hostIpc: false, sandboxPidNs: true, hostname: 'pod',
  podFiles: { hosts: '/sb/hosts', hostname: '/sb/hostname', resolvConf: '/sb/resolv.conf' },
};

describe('container spec', () => {
  it('follows Kubernetes command/args over Entrypoint/Cmd', () => {
    const image = { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hello'] };
    expect(containerArgs(cfg(), image)).toEqual(['/bin/sh', '-c', 'echo hello']);
    expect(containerArgs(cfg({ args: ['date'] }), image)).toEqual(['/bin/sh', '-c', 'date']);
    expect(containerArgs(cfg({ command: ['sleep'] }), image)).toEqual(['sleep']);
    expect(containerArgs(cfg({ command: ['sleep'], args: ['5'] }), image)).toEqual(['sleep', '5']);
  });

  it('merges env: CRI values replace image values, PATH ensured', () => {
    expect(containerEnv(['A=1', 'B=2'], [{ key: 'B', value: '3' }, { key: 'C', value: '4' }], 'h')).toEqual(['HOSTNAME=h', 'A=1', 'B=3', 'C=4', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  it('adds and drops capabilities, with ALL', () => {
    expect(containerCapabilities(['CAP_CHOWN', 'CAP_KILL'], ['net_admin'], ['KILL'], [])).toEqual(['CAP_CHOWN', 'CAP_NET_ADMIN']);
    expect(containerCapabilities(['CAP_CHOWN'], ['CAP_NET_RAW'], ['ALL'], [])).toEqual(['CAP_NET_RAW']);
    expect(containerCapabilities([], ['ALL'], [], ['CAP_A', 'CAP_B'])).toEqual(['CAP_A', 'CAP_B']);
    expect(capabilitiesInMask('0000000000000005')).toEqual(['CAP_CHOWN', 'CAP_DAC_READ_SEARCH']);
  });

  it('joins the sandbox namespaces by path and applies the security context', () => {
    const spec = buildContainerSpec({
      base: defaultSpec(),
      config: cfg({
        command: ['sh'],
        working_dir: '/w',
        mounts: [{ container_path: '/data/sub', host_path: '/h/sub', readonly: true, selinux_relabel: false, propagation: 'PROPAGATION_HOST_TO_CONTAINER', recursive_read_only: false, image: null, image_sub_path: '' },
          { container_path: '/data', host_path: '/h', readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE', recursive_read_only: false, image: null, image_sub_path: '' }],
        linux: {
          resources: { cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512, memory_limit_in_bytes: 1 << 26, oom_score_adj: -997, cpuset_cpus: '', cpuset_mems: '', hugepage_limits: [], unified: {}, memory_swap_limit_in_bytes: 0 },
          security_context: {
            capabilities: null, privileged: false, namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD', target_id: '' },
            run_as_user: { value: 1000 }, run_as_group: null, run_as_username: '', readonly_rootfs: true, supplemental_groups: [], no_new_privs: true, masked_paths: [], readonly_paths: [],
          },
        },
      }),
      image: { Env: ['PATH=/bin'] },
      sandbox,
      rootfs: '/r',
      user: { uid: 1000, gid: 1000, additionalGids: [] },
      cgroupsPath: 'skiff/podx/c',
      hostCapabilities: [],
    });
    expect(spec.linux?.namespaces).toEqual([
      { type: 'mount' }, { type: 'pid', path: '/proc/42/ns/pid' }, { type: 'network', path: '/run/netns/x' },
      { type: 'uts', path: '/proc/42/ns/uts' }, { type: 'ipc', path: '/proc/42/ns/ipc' },
    ]);
    expect(spec.root).toEqual({ path: '/r', readonly: true });
    expect(spec.hostname).toBeUndefined();
    expect(spec.process?.user).toEqual({ uid: 1000, gid: 1000 });
    expect(spec.process?.cwd).toBe('/w');
    expect(spec.process?.noNewPrivileges).toBe(true);
    expect(spec.process?.oomScoreAdj).toBeUndefined();
    expect(spec.linux?.resources?.memory).toEqual({ limit: 1 << 26 });
    expect(spec.linux?.resources?.cpu).toEqual({ shares: 512, quota: 50000, period: 100000 });
    expect(spec.linux?.cgroupsPath).toBe('skiff/podx/c');
    const tail = spec.mounts!.slice(-5);
    expect(tail.map((m) => [m.destination, m.source, m.options])).toEqual([
      ['/etc/hosts', '/sb/hosts', ['rbind', 'rprivate', 'ro']],
      ['/etc/hostname', '/sb/hostname', ['rbind', 'rprivate', 'ro']],
      ['/etc/resolv.conf', '/sb/resolv.conf', ['rbind', 'rprivate', 'ro']],
      ['/data', '/h', ['rbind', 'rw', 'rprivate']],
      ['/data/sub', '/h/sub', ['rbind', 'ro', 'rslave']],
    ]);
  });

  it('privileged: every host capability, nothing masked, devices allowed, /sys rw', () => {
    const spec = buildContainerSpec({
      base: defaultSpec(), config: cfg({ command: ['sh'], linux: { resources: null, security_context: { capabilities: null, privileged: true, namespace_options: null, run_as_user: null, run_as_group: null, run_as_username: '', readonly_rootfs: false, supplemental_groups: [], no_new_privs: false, masked_paths: [], readonly_paths: [] } } }),
      image: {}, sandbox: { ...sandbox, hostNetwork: true }, rootfs: '/r', user: { uid: 0, gid: 0, additionalGids: [] }, cgroupsPath: 'c', hostCapabilities: ['CAP_SYS_ADMIN', 'CAP_CHOWN'],
    });
    expect(spec.process?.capabilities?.bounding).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
    expect(spec.linux?.maskedPaths).toEqual([]);
    expect(spec.linux?.resources?.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(spec.mounts?.find((m) => m.destination === '/sys')?.options).toContain('rw');
    expect(spec.linux?.namespaces?.map((n) => n.type)).toEqual(['mount', 'pid', 'ipc']);
  });
});

describe('users', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\napp:x:1000:1001::/home/app:/bin/sh\n';
  const group = 'root:x:0:\napp:x:1001:\nextra:x:2000:app\n';
  it('resolves run_as_user, run_as_username and image User forms', () => {
    expect(resolveUser({}, passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [] });
    expect(resolveUser({ runAsUser: 1000 }, passwd, group)).toEqual({ uid: 1000, gid: 1001, additionalGids: [2000] });
    expect(resolveUser({ runAsUser: 4242, runAsGroup: 7 }, passwd, group)).toEqual({ uid: 4242, gid: 7, additionalGids: [] });
    expect(resolveUser({ runAsUsername: 'nobody' }, passwd, group)).toEqual({ uid: 65534, gid: 65534, additionalGids: [] });
    expect(resolveUser({ imageUser: '1000:2000' }, passwd, group)).toEqual({ uid: 1000, gid: 2000, additionalGids: [] });
    expect(resolveUser({ imageUser: 'app:extra', supplementalGroups: [5] }, passwd, group)).toEqual({ uid: 1000, gid: 2000, additionalGids: [5] });
    expect(() => resolveUser({ runAsUsername: 'ghost' }, passwd, group)).toThrow('run_as_username: user "ghost" not found');
    expect(() => resolveUser({ imageUser: 'ghost' }, passwd, group)).toThrow('image config User');
  });
});

describe('container statuses', () => {
  it('maps executor states to CRI with reasons and nanosecond times', () => {
    expect(rfc3339ToNanos('2026-01-02T15:04:05.123456789Z')).toBe(Date.parse('2026-01-02T15:04:05Z') * 1e6 + 123456789);
    const base = { id: 'x', pid: 0, bundle: '/b', createdAt: '2026-01-02T15:04:05Z' };
    expect(criStatusOf({ ...base, status: 'stopped', exitCode: 0 }).reason).toBe('Completed');
    expect(criStatusOf({ ...base, status: 'stopped', exitCode: 1 }).reason).toBe('Error');
    expect(criStatusOf({ ...base, status: 'stopped', exitCode: 137, oomKilled: true }).reason).toBe('OOMKilled');
    expect(criStatusOf({ ...base, status: 'stopped', signal: 9 })).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(criStatusOf({ ...base, status: 'running' }).state).toBe('CONTAINER_RUNNING');
    expect(stopSignalOf('RUNTIME_DEFAULT', 'quit')).toBe('SIGQUIT');
    expect(stopSignalOf('SIGINT', 'SIGQUIT')).toBe('SIGINT');
    expect(stopSignalOf('RUNTIME_DEFAULT', undefined)).toBe('SIGTERM');
  });
});
