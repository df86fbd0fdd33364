// startKubelet: wires the node agent together. It dials the CRI, registers the Node (status, lease,
// pod CIDR to the runtime), serves HTTPS on the kubelet port, watches the pods bound to this node
// and runs one worker per pod, relists the runtime every second (PLEG), and removes what belongs to
// no pod (including pods deleted while the kubelet was down).
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { Pod } from '../api/types/core.js';
import type { KubeObject } from '../api/types/meta.js';
import { createEventRecorder } from '../client/events.js';
import { createInformer } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { ApiClient } from '../client/rest-client.js';
import type { ClientConfig } from '../client/types.js';
import { connectCri } from './cri/cri-client.js';
import type { Cri } from './cri/runtime-service.js';
import { LeaseRenewer } from './node/lease-renewer.js';
import { NodeStatusUpdater, type NodeObject } from './node/node-status-updater.js';
import { firstNonLoopbackIPv4, KUBELET_VERSION, readMachineFacts } from './node/system-info.js';
import { CrashBackoff } from './pod-sync/crash-backoff.js';
import { PodSyncer, type PodEventSink } from './pod-sync/pod-syncer.js';
import { PodWorkers } from './pod-workers.js';
import { Pleg } from './pleg/relist.js';
import { CriProber } from './probes/prober.js';
import { ProbeManager } from './probes/probe-manager.js';
import { startKubeletServer, type KubeletServer } from './server/kubelet-server.js';
import { ensureServingCert } from './server/serving-cert.js';
import { TokenReviewAuthenticator } from './server/token-authenticator.js';
import { StatusManager, type PodObject } from './status/status-manager.js';
import { Housekeeping } from './housekeeping.js';
import { SystemMounter, type Mounter } from './volumes/mounter.js';
import { VolumeManager } from './volumes/volume-manager.js';
import { startRouteController } from './routes/route-controller.js';

export interface KubeletOptions {
  /** a kubeconfig file; or give clientConfig */
  kubeconfig?: string;
  clientConfig?: ClientConfig;
  /** `unix:///run/skiff/runtime.sock` */
  runtimeEndpoint: string;
  nodeName: string;
  rootDir: string;
  /** the InternalIP; default the first non-loopback IPv4 */
  nodeIP?: string;
  /** the HTTPS port (10250); 0 picks a free one */
  port?: number;
  /** the address to listen on (default 0.0.0.0) */
  address?: string;
  nodeLabels?: Record<string, string>;
  /** parent cgroup of every pod (`<cgroupRoot>/pod<uid>`); default: the runtime's */
  cgroupRoot?: string;
  /** host-gw: route every other node's pod CIDR via its InternalIP (multi-node clusters) */
  routePodCidrs?: boolean;
  log?: Logger;
  /** for tests: another CRI (defaults to dialing runtimeEndpoint) */
  cri?: Cri;
  mounter?: Mounter;
}

export interface Kubelet {
  nodeName: string;
  /** the HTTPS port actually bound */
  port: number;
  stop(): Promise<void>;
}

async function waitForRuntime(cri: Cri, endpoint: string, log: Logger, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await cri.runtime.version();
      log.info({ runtime: v.runtime_name, version: v.runtime_version }, 'connected to the container runtime');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`container runtime at ${endpoint} not reachable: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function retry<T>(what: string, log: Logger, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      log.warn({ err: (err as Error).message }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const log = opts.log ?? pino({ name: 'kubelet' });
  const config = opts.clientConfig ?? loadKubeconfig({ kubeconfig: opts.kubeconfig }).config;
  const api = new ApiClient({ ...config, userAgent: `kubelet/${KUBELET_VERSION} (linux) skiff` });
  const cri = opts.cri ?? connectCri(opts.runtimeEndpoint);
  const cleanups: (() => Promise<void> | void)[] = [() => cri.close(), () => api.close()];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    await waitForRuntime(cri, opts.runtimeEndpoint, log);
    const facts = readMachineFacts();
    const nodeIP = opts.nodeIP ?? firstNonLoopbackIPv4() ?? '127.0.0.1';
    const pods = api.resource<PodObject>('pods');

    // pods bound to this node
    const informer = createInformer<PodObject>(pods, { fieldSelector: `spec.nodeName=${opts.nodeName}` });
    cleanups.push(() => informer.stop());

    // the HTTPS endpoint
    const cert = await ensureServingCert(opts.rootDir, opts.nodeName, nodeIP);
    const server: KubeletServer = await startKubeletServer({
      host: opts.address ?? '0.0.0.0',
      port: opts.port ?? 10250,
      cert,
      auth: new TokenReviewAuthenticator(api),
      findPod: (ns, name) => informer.get(`${ns}/${name}`),
      listPods: () => informer.list(),
      nodeName: opts.nodeName,
      runtime: cri.runtime,
      rootDir: opts.rootDir,
      log,
    });
    cleanups.push(() => server.close());

    // the Node, its lease, the pod CIDR
    const nodeUpdater = new NodeStatusUpdater({
      nodes: api.resource<NodeObject>('nodes'),
      runtime: cri.runtime,
      nodeName: opts.nodeName,
      nodeIP,
      kubeletPort: server.port,
      rootDir: opts.rootDir,
      facts,
      labels: opts.nodeLabels ?? {},
      log,
    });
    await retry('node registration', log, () => nodeUpdater.register());
    nodeUpdater.start();
    cleanups.push(() => nodeUpdater.stop());
    const lease = new LeaseRenewer({
      leases: api.resource('leases'),
      namespaces: api.resource('namespaces'),
      nodeName: opts.nodeName,
      nodeUid: () => nodeUpdater.nodeUid(),
      log,
    });
    lease.start();
    cleanups.push(() => lease.stop());
    if (opts.routePodCidrs) {
      const routes = await startRouteController({ nodes: api.resource<NodeObject>('nodes'), nodeName: opts.nodeName, log });
      cleanups.push(() => routes.stop());
    }

    // pod machinery
    const recorder = createEventRecorder(api, { component: 'kubelet', host: opts.nodeName });
    const events: PodEventSink = {
      emit: (pod: Pod, type, reason, message) => void recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' } as unknown as KubeObject, type, reason, message),
    };
    let workers: PodWorkers | undefined;
    const podByUid = (uid: string) => informer.list().find((p) => p.metadata.uid === uid);
    const prober = new CriProber(cri.runtime);
    const probes = new ProbeManager({
      prober,
      log,
      onChange: (uid, kind, container, message) => {
        const pod = podByUid(uid);
        if (pod && message) events.emit(pod, 'Warning', 'Unhealthy', `${kind[0].toUpperCase()}${kind.slice(1)} probe of ${container} failed: ${message}`);
        workers?.trigger(uid);
      },
    });
    cleanups.push(() => probes.stop());
    const volumes = new VolumeManager(opts.rootDir, opts.mounter ?? new SystemMounter());
    const syncer = new PodSyncer({
      cri,
      prober,
      volumes,
      backoff: new CrashBackoff(),
      probes,
      events,
      node: { nodeName: opts.nodeName, hostIP: nodeIP, nodeHostname: facts.hostname, rootDir: opts.rootDir, cpuMillis: facts.cpuCores * 1000, memoryBytes: facts.memoryBytes, cgroupRoot: opts.cgroupRoot },
      log,
      now: Date.now,
    });
    const status = new StatusManager({ pods, cached: (ns, name) => informer.get(`${ns}/${name}`), log });
    cleanups.push(() => status.stop());
    workers = new PodWorkers({ syncer, status, probes, pods, log });
    const w = workers;
    cleanups.push(() => w.stop());
    informer.addHandlers({
      add: (p) => w.update(p),
      update: (_o, p) => w.update(p),
      delete: (p) => w.remove(p),
    });

    const pleg = new Pleg({ runtime: cri.runtime, log, onChanged: (uids) => uids.forEach((u) => w.trigger(u)) });
    await retry('first runtime relist', log, () => pleg.relist());
    await retry('pod informer start', log, () => informer.start());
    pleg.start();
    cleanups.push(() => pleg.stop());

    const housekeeping = new Housekeeping({ pleg, volumes, syncer, known: () => w.knownUids(), synced: () => informer.hasSynced(), log });
    housekeeping.start();
    cleanups.push(() => housekeeping.stop());

    log.info({ node: opts.nodeName, nodeIP, port: server.port }, 'kubelet started');
    return { nodeName: opts.nodeName, port: server.port, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
