import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import { ContainerConfigError } from '../../kubelet/cri-config/config-error.js';
import { buildContainerConfig, type ContainerConfigInput } from '../../kubelet/cri-config/container-config.js';
import { containerResources, cpuQuota, cpuShares, oomScoreAdj } from '../../kubelet/cri-config/container-resources.js';
import { expandVars, resolveEnv } from '../../kubelet/cri-config/env-resolver.js';
import { buildSandboxConfig, namespaceOptions, portMappings } from '../../kubelet/cri-config/sandbox-config.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1', labels: { app: 'web' }, annotations: { team: 'blue' } },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'sa',
    containers: [
      {
        name: 'app',
        image: 'busybox:1',
        command: ['sh', '-c', 'echo $(GREETING) $$(NOT)'],
        args: ['$(POD_IP)'],
        ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        env: [
          { name: 'GREETING', value: 'hi' },
          { name: 'WHO', value: '$(GREETING)-there' },
          { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        ],
        volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'sub', readOnly: true }],
        securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      },
    ],
    securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000] },
    shareProcessNamespace: true,
  },
};
const c = pod.spec!.containers[0];

const input = (over: Partial<ContainerConfigInput> = {}): ContainerConfigInput => ({
  pod,
  container: c,
  isInit: false,
  attempt: 2,
  volumePaths: new Map([['data', '/var/lib/kubelet/pods/u-1/volumes/data']]),
  volumeErrors: new Map(),
  qosClass: 'Burstable',
  podIP: '10.88.0.7',
  hostIP: '192.168.1.2',
  nodeCpuMillis: 2000,
  nodeMemoryBytes: 4 * 2 ** 30,
  ...over,
});

describe('env', () => {
  it('resolves values, fieldRefs, resourceFieldRefs and $(VAR) references', () => {
    const env = resolveEnv(c, input());
    expect(Object.fromEntries(env)).toEqual({
      GREETING: 'hi',
      WHO: 'hi-there',
      NAME: 'web',
      NS: 'prod',
      UID: 'u-1',
      NODE: 'n1',
      POD_IP: '10.88.0.7',
      HOST_IP: '192.168.1.2',
      APP: 'web',
      MEM_LIMIT_MI: '128',
      CPU_REQ_M: '250',
    });
  });

  it('expands $(VAR), keeps unknown ones and unescapes $$', () => {
    const vars = new Map([['A', 'x']]);
    expect(expandVars('$(A)-$(B)-$$(A)', vars)).toBe('x-$(B)-$(A)');
  });

  it('rejects an unsupported fieldPath, naming it', () => {
    const bad = { ...c, env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] };
    expect(() => resolveEnv(bad, input())).toThrow(/env\[0\]\.valueFrom\.fieldRef\.fieldPath: unsupported value "spec\.bogus"/);
  });

  it('reports configMapKeyRef as a config error', () => {
    const bad = { ...c, env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] };
    expect(() => resolveEnv(bad, input())).toThrow(ContainerConfigError);
  });
});

describe('resources', () => {
  it('maps requests to shares, limits to quota and memory, like Kubernetes', () => {
    expect(cpuShares(undefined)).toBe(2);
    expect(cpuShares(1)).toBe(2);
    expect(cpuShares(250)).toBe(256);
    expect(cpuShares(2000)).toBe(2048);
    expect(cpuQuota(undefined)).toBe(0);
    expect(cpuQuota(500)).toBe(50_000);
    expect(cpuQuota(5)).toBe(1000);
    expect(containerResources(c, 'Burstable', 4 * 2 ** 30)).toMatchObject({ cpu_period: 100_000, cpu_quota: 50_000, cpu_shares: 256, memory_limit_in_bytes: 128 << 20 });
  });

  it('OOM scores by QoS class, never below 0 on this node', () => {
    expect(oomScoreAdj('Guaranteed', 1, 1)).toBe(0);
    expect(oomScoreAdj('BestEffort', 0, 1)).toBe(1000);
    expect(oomScoreAdj('Burstable', 2 ** 30, 4 * 2 ** 30)).toBe(750);
    expect(oomScoreAdj('Burstable', 8 * 2 ** 30, 4 * 2 ** 30)).toBe(2);
  });

  it('names the field of a bad quantity', () => {
    const bad = { ...c, resources: { limits: { cpu: 'lots' } } };
    expect(() => containerResources(bad, 'Burstable', 1)).toThrow('spec.containers[app].resources.limits.cpu: invalid quantity "lots"');
  });
});

describe('container config', () => {
  it('builds the CRI config: command/args expanded, mounts, labels, log path, security', () => {
    const cfg = buildContainerConfig(pod, input());
    expect(cfg.metadata).toEqual({ name: 'app', attempt: 2 });
    expect(cfg.command).toEqual(['sh', '-c', 'echo hi $(NOT)']);
    expect(cfg.args).toEqual(['10.88.0.7']);
    expect(cfg.log_path).toBe('app/2.log');
    expect(cfg.mounts).toEqual([{ container_path: '/data', host_path: '/var/lib/kubelet/pods/u-1/volumes/data/sub', readonly: true, propagation: 'PROPAGATION_PRIVATE' }]);
    expect(cfg.labels).toEqual({
      'io.kubernetes.pod.uid': 'u-1',
      'io.kubernetes.pod.name': 'web',
      'io.kubernetes.pod.namespace': 'prod',
      'io.kubernetes.container.name': 'app',
      'io.skiff.container.type': 'app',
    });
    expect(cfg.annotations['io.kubernetes.container.restartCount']).toBe('2');
    expect(cfg.linux?.security_context).toMatchObject({
      capabilities: { add_capabilities: ['CAP_NET_ADMIN'], drop_capabilities: ['CAP_ALL'] },
      run_as_user: { value: 1000 },
      run_as_group: { value: 3000 },
      readonly_rootfs: true,
      no_new_privs: true,
      supplemental_groups: [4000],
      namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' },
    });
  });

  it('fails with the volume problem for a container mounting a broken volume', () => {
    expect(() => buildContainerConfig(pod, input({ volumeErrors: new Map([['data', 'hostPath type check failed: /x is not a directory']]) }))).toThrow(
      'volume "data": hostPath type check failed: /x is not a directory',
    );
  });

  it('rejects a subPath escaping the volume', () => {
    const esc = { ...c, volumeMounts: [{ name: 'data', mountPath: '/d', subPath: '../../etc' }] };
    expect(() => buildContainerConfig(pod, input({ container: esc }))).toThrow(/subPath: must be a relative path inside the volume/);
  });

  it('refuses runAsNonRoot with runAsUser 0', () => {
    const root = { ...c, securityContext: { runAsNonRoot: true, runAsUser: 0 } };
    expect(() => buildContainerConfig(pod, input({ container: root }))).toThrow(/runAsNonRoot/);
  });
});

describe('sandbox config', () => {
  it('carries metadata, labels, log directory, host ports and namespaces', () => {
    const s = buildSandboxConfig(pod, 1, { rootDir: '/var/lib/skiff/kubelet', nodeHostname: 'host1', cgroupRoot: 'skiff' });
    expect(s.metadata).toEqual({ name: 'web', uid: 'u-1', namespace: 'prod', attempt: 1 });
    expect(s.hostname).toBe('web');
    expect(s.log_directory).toBe('/var/lib/skiff/kubelet/logs/pods/prod_web_u-1');
    expect(s.port_mappings).toEqual([{ protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' }]);
    expect(s.labels).toMatchObject({ app: 'web', 'io.kubernetes.pod.uid': 'u-1' });
    expect(s.linux?.cgroup_parent).toBe('skiff/podu-1');
    expect(s.linux?.security_context?.namespace_options).toEqual({ network: 'POD', pid: 'POD', ipc: 'POD' });
  });

  it('hostNetwork/hostPID/hostIPC use the node namespaces and hostname', () => {
    const host: Pod = { ...pod, spec: { ...pod.spec!, hostNetwork: true, hostPID: true, hostIPC: true } };
    expect(namespaceOptions(host)).toEqual({ network: 'NODE', pid: 'NODE', ipc: 'NODE' });
    expect(buildSandboxConfig(host, 0, { rootDir: '/r', nodeHostname: 'host1' }).hostname).toBe('host1');
  });

  it('no hostPort, no mapping', () => {
    expect(portMappings({ ...pod, spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } })).toEqual([]);
  });
});
