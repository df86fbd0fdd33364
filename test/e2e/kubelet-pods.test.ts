// The kubelet end to end on the real apiserver, etcd and `skiff runtime`, with busybox from a local
// registry: running pods, crash back-off, probes, graceful deletion.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import type { Event } from '../../api/types/core.js';
import { startKubeletCluster, until, type KubeletCluster } from '../kubelet/kubelet-cluster.js';

let k: KubeletCluster;

beforeAll(async () => {
  k = await startKubeletCluster();
});

afterAll(async () => {
  await k?.stop();
});

const get = (name: string): Promise<Pod> => k.pods.get('default', name);
const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

describe('kubelet (real runtime)', () => {
  it('registers the node with capacity, addresses, conditions, nodeInfo and a lease', async () => {
    const node = await until('node Ready', async () => {
      const n = await k.client.resource('nodes').get(undefined, k.nodeName);
      const st = n.status as NonNullable<import('../../api/types/core.js').Node['status']>;
      return st?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? st : undefined;
    });
    expect(node.capacity?.pods).toBe('110');
    expect(Number(node.capacity?.cpu)).toBeGreaterThan(0);
    expect(node.capacity?.memory).toMatch(/^\d+Ki$/);
    expect(node.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(node.nodeInfo?.kubeletVersion).toBe('v1.32.0-skiff');
    expect(node.nodeInfo?.containerRuntimeVersion).toMatch(/^skiff:\/\//);
    expect(node.daemonEndpoints?.kubeletEndpoint?.Port).toBe(k.kubelet()!.port);
    expect(node.conditions?.map((c) => c.type).sort()).toEqual(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
    const lease = await until('lease', () => k.client.resource('leases').get('kube-node-lease', k.nodeName));
    expect((lease.spec as { holderIdentity?: string }).holderIdentity).toBe(k.nodeName);
  });

  it('runs a pod: Running with an IP, both containers talk over localhost, env from fieldRef', async () => {
    await k.pods.create(
      'default',
      k.podSpec('web', {
        containers: [
          {
            name: 'httpd',
            image: k.image,
            command: ['sh', '-c', 'mkdir -p /www && echo page-from-$POD_NAME > /www/index.html && exec httpd -f -p 8080 -h /www'],
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          },
          { name: 'fetcher', image: k.image, command: ['sh', '-c', 'while true; do wget -qO- http://127.0.0.1:8080/ && sleep 1; done'] },
        ],
      }),
    );
    const p = await until('web Running and Ready', async () => {
      const p = await get('web');
      return p.status?.phase === 'Running' && ready(p) ? p : undefined;
    });
    expect(p.status?.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(p.status?.hostIP).toBe('127.0.0.1');
    expect(p.status?.qosClass).toBe('BestEffort');
    expect(p.status?.containerStatuses?.map((c) => c.containerID)).toEqual([expect.stringMatching(/^skiff:\/\//), expect.stringMatching(/^skiff:\/\//)]);
    const logs = await until('fetcher log shows the page', async () => {
      const t = (await k.client.request<string>({ method: 'GET', path: '/api/v1/namespaces/default/pods/web/log', query: { container: 'fetcher' } })) as string;
      return t.includes('page-from-web') ? t : undefined;
    });
    expect(logs).toContain('page-from-web');
  });

  it('restarts a crashing container with growing back-off and shows CrashLoopBackOff', async () => {
    await k.pods.create('default', k.podSpec('crasher', { containers: [{ name: 'c', image: k.image, command: ['sh', '-c', 'echo crashing; exit 3'] }] }));
    // the back-off grows: 10 s after the second exit, 20 s after the third
    const seen = new Set<string>();
    const p = await until(
      'CrashLoopBackOff with a doubled back-off',
      async () => {
        const p = await get('crasher');
        const cs = p.status?.containerStatuses?.[0];
        const d = /back-off (\d+)s/.exec(cs?.state?.waiting?.message ?? '')?.[1];
        if (cs?.state?.waiting?.reason === 'CrashLoopBackOff' && d) seen.add(d);
        return seen.has('20') ? p : undefined;
      },
      90_000,
      200,
    );
    expect(seen.has('10')).toBe(true);
    const cs = p.status!.containerStatuses![0];
    expect(cs.restartCount).toBeGreaterThanOrEqual(2);
    expect(cs.lastState?.terminated?.exitCode).toBe(3);
    expect(cs.state?.waiting?.message).toMatch(/back-off 20s restarting failed container=c/);
    const events = (await k.client.resource('events').list('default')).items as unknown as Event[];
    expect(events.some((e) => e.involvedObject.name === 'crasher' && e.reason === 'BackOff')).toBe(true);
  });

  it('restarts a container whose liveness probe fails', async () => {
    await k.pods.create(
      'default',
      k.podSpec('live', {
        containers: [
          {
            name: 'c',
            image: k.image,
            command: ['sh', '-c', 'touch /tmp/healthy; sleep 3; rm /tmp/healthy; sleep 600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
      }),
    );
    const p = await until(
      'a liveness restart',
      async () => {
        const p = await get('live');
        return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
      },
      60_000,
    );
    expect(p.status!.containerStatuses![0].lastState?.terminated).toBeDefined();
    const events = (await k.client.resource('events').list('default')).items as unknown as Event[];
    expect(events.some((e) => e.involvedObject.name === 'live' && e.reason === 'Unhealthy' && /Liveness probe/.test(e.message ?? ''))).toBe(true);
  });

  it('readiness (httpGet on a named port) flips Ready both ways', async () => {
    await k.pods.create(
      'default',
      k.podSpec('ready', {
        containers: [
          {
            name: 'web',
            image: k.image,
            command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/index.html', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    await until('Ready', async () => ready(await get('ready')) || undefined);
    const ns = 'default';
    // break the page: the probe 404s and the pod goes unready
    const cid = (await get('ready')).status!.containerStatuses![0].containerID!.replace('skiff://', '');
    await k.cri.runtime.execSync(cid, ['rm', '/www/index.html'], 5);
    const unready = await until('not Ready', async () => {
      const p = await get('ready');
      return !ready(p) ? p : undefined;
    });
    expect(unready.status?.phase).toBe('Running');
    expect(unready.status?.containerStatuses?.[0].ready).toBe(false);
    await k.cri.runtime.execSync(cid, ['sh', '-c', 'echo ok > /www/index.html'], 5);
    await until('Ready again', async () => ready(await k.pods.get(ns, 'ready')) || undefined);
  });

  it('graceful delete: SIGTERM first (the container logs it), then the object disappears', async () => {
    await k.pods.create(
      'default',
      k.podSpec('graceful', {
        terminationGracePeriodSeconds: 20,
        containers: [{ name: 'c', image: k.image, command: ['sh', '-c', 'trap "echo got-SIGTERM; exit 0" TERM; echo started; while true; do sleep 0.2; done'] }],
      }),
    );
    const p = await until('graceful Running', async () => {
      const p = await get('graceful');
      return p.status?.phase === 'Running' ? p : undefined;
    });
    const uid = p.metadata.uid!;
    // follow the log through the apiserver while the pod is deleted: it must end with the trap's line
    const stream = k.client.openStream({ method: 'GET', path: '/api/v1/namespaces/default/pods/graceful/log', query: { follow: 'true' } });
    const res = await stream.response;
    let text = '';
    res.on('data', (d: Buffer) => (text += d.toString()));
    const ended = new Promise<void>((r) => res.on('end', () => r()));
    await until('started logged', () => text.includes('started') || undefined);
    const t0 = Date.now();
    await k.pods.delete('default', 'graceful', { gracePeriodSeconds: 20 });
    await until('pod object gone', async () => {
      try {
        await get('graceful');
        return undefined;
      } catch {
        return true;
      }
    });
    expect(Date.now() - t0).toBeLessThan(15_000); // exited on SIGTERM, did not wait for SIGKILL
    await ended;
    expect(text).toMatch(/started\n(.*\n)*got-SIGTERM\n/);
    // the kubelet removed the sandbox and the logs
    const left = await k.cri.runtime.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } });
    expect(left).toEqual([]);
    expect(existsSync(`${k.dir}/kubelet/logs/pods/default_graceful_${uid}`)).toBe(false);
  });

  it('a missing image ends in ErrImagePull/ImagePullBackOff with an event; other pods keep running', async () => {
    await k.pods.create('default', k.podSpec('badimage', { containers: [{ name: 'c', image: `${k.image.split('/')[0]}/nope/missing:1` }] }));
    const p = await until('ErrImagePull', async () => {
      const p = await get('badimage');
      const r = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      return r === 'ErrImagePull' || r === 'ImagePullBackOff' ? p : undefined;
    });
    expect(p.status?.phase).toBe('Pending');
    const events = (await k.client.resource('events').list('default')).items as unknown as Event[];
    expect(events.some((e) => e.involvedObject.name === 'badimage' && e.type === 'Warning' && /Failed to pull image/.test(e.message ?? ''))).toBe(true);
    expect((await get('web')).status?.phase).toBe('Running');
  });

  it('an unknown hostPath ends in CreateContainerConfigError with a clear message', async () => {
    await k.pods.create(
      'default',
      k.podSpec('badmount', {
        volumes: [{ name: 'h', hostPath: { path: `/nonexistent-${k.prefix}`, type: 'Directory' } }],
        containers: [{ name: 'c', image: k.image, command: ['sleep', '600'], volumeMounts: [{ name: 'h', mountPath: '/h' }] }],
      }),
    );
    const p = await until('CreateContainerConfigError', async () => {
      const p = await get('badmount');
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' ? p : undefined;
    });
    expect(p.status!.containerStatuses![0].state!.waiting!.message).toContain(`/nonexistent-${k.prefix} does not exist`);
  });

  it('runs init containers in order, then the app; a Memory emptyDir is a sized tmpfs shared by all', async () => {
    await k.pods.create(
      'default',
      k.podSpec('inits', {
        volumes: [{ name: 'shared', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
        initContainers: [
          { name: 'first', image: k.image, command: ['sh', '-c', 'echo first >> /shared/order'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
          { name: 'second', image: k.image, command: ['sh', '-c', 'echo second >> /shared/order'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
        ],
        containers: [
          {
            name: 'app',
            image: k.image,
            command: ['sh', '-c', 'cat /shared/order; grep " /shared " /proc/mounts; sleep 600'],
            volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          },
        ],
      }),
    );
    const p = await until('inits Running', async () => {
      const p = await get('inits');
      return p.status?.phase === 'Running' ? p : undefined;
    });
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(p.status?.initContainerStatuses?.map((c) => [c.name, c.state?.terminated?.reason])).toEqual([
      ['first', 'Completed'],
      ['second', 'Completed'],
    ]);
    const log = await until('app log', async () => {
      const t = (await k.client.request<string>({ method: 'GET', path: '/api/v1/namespaces/default/pods/inits/log', query: { container: 'app' } })) as string;
      return t.includes('tmpfs') ? t : undefined;
    });
    expect(log).toMatch(/^first\nsecond\n/);
    expect(log).toMatch(/tmpfs \/shared tmpfs .*size=8192k/);
  });

  it('a restartPolicy Never pod that exits 0 ends Succeeded and its sandbox is stopped', async () => {
    await k.pods.create('default', k.podSpec('job', { restartPolicy: 'Never', containers: [{ name: 'c', image: k.image, command: ['sh', '-c', 'echo done'] }] }));
    let last: Pod | undefined;
    const p = await until('Succeeded', async () => {
      const p = (last = await get('job'));
      return p.status?.phase === 'Succeeded' ? p : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; last status: ${JSON.stringify(last?.status)}`);
    });
    expect(p.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    await until('sandbox stopped', async () => {
      const s = await k.cri.runtime.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': p.metadata.uid! } });
      return s.every((x) => x.state === 'SANDBOX_NOTREADY') ? true : undefined;
    });
  });

  it('a startup probe holds readiness back until it passes; tcpSocket readiness then makes the pod Ready', async () => {
    await k.pods.create(
      'default',
      k.podSpec('slowstart', {
        containers: [
          {
            name: 'c',
            image: k.image,
            command: ['sh', '-c', 'sleep 3; touch /tmp/started; mkdir -p /www; exec httpd -f -p 8081 -h /www'],
            startupProbe: { exec: { command: ['test', '-f', '/tmp/started'] }, periodSeconds: 1, failureThreshold: 30 },
            readinessProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1 },
          },
        ],
      }),
    );
    const early = await until('slowstart running', async () => {
      const p = await get('slowstart');
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    });
    expect(early.status!.containerStatuses![0]).toMatchObject({ started: false, ready: false });
    const later = await until('slowstart Ready', async () => {
      const p = await get('slowstart');
      return ready(p) ? p : undefined;
    });
    expect(later.status!.containerStatuses![0]).toMatchObject({ started: true, ready: true, restartCount: 0 });
  });
});
