// `skiff runtime` as a library: builds the service from its parts, recovers state from disk and
// serves the CRI on a unix socket (mode 0600).
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { ContainerManager } from '../container/container-manager.js';
import type { ContainerRecord } from '../container/container-record.js';
import type { RootfsSnapshotter } from '../container/rootfs-snapshotter.js';
import type { Executor, OciSpec } from '../executor/executor.js';
import type { ImageStore } from '../images/image-store.js';
import { CniNetwork } from '../network/cni-network.js';
import type { CniPluginExec } from '../network/cni-plugin-exec.js';
import type { NetnsPinner } from '../network/netns-pin.js';
import type { PauseLauncher } from '../sandbox/pause-launcher.js';
import type { PodCgroups } from '../sandbox/pod-cgroups.js';
import { SandboxManager } from '../sandbox/sandbox-manager.js';
import type { SandboxRecord } from '../sandbox/sandbox-record.js';
import { bindService } from './grpc-binding.js';
import { ImageServiceHandlers } from './image-service.js';
import { loadCri } from './proto-loader.js';
import { JsonRecordStore } from './record-store.js';
import { RuntimeServiceHandlers } from './runtime-service.js';
import { startRuntimeStreaming, withStreamingRpcs } from '../streaming/runtime-streaming.js';

/** Everything below the CRI handlers; the real set is made by createRealParts (real-parts.ts). */
export interface RuntimeParts {
  executor: Executor;
  images: ImageStore;
  snapshotter: RootfsSnapshotter;
  cgroups: PodCgroups;
  pause: PauseLauncher;
  pinner: NetnsPinner;
  pluginExec: CniPluginExec;
  baseSpec: () => OciSpec;
  hostCapabilities: string[];
}

export interface RuntimeServiceOptions {
  root: string;
  socket: string;
  cniConfDir: string;
  /** subnet of the default conflist; undefined: the network waits for UpdateRuntimeConfig */
  podCidr?: string;
  /** bridge and network name of the default conflist (tests use their own) */
  bridge?: string;
  networkName?: string;
  log?: Logger;
  version?: string;
  hostResolvConfPath?: string;
}

export interface RuntimeService {
  socket: string;
  sandboxes: SandboxManager;
  containers: ContainerManager;
  /** stops serving; containers and sandboxes keep running */
  close(): Promise<void>;
}

export async function startRuntimeServiceWith(opts: RuntimeServiceOptions, parts: RuntimeParts): Promise<RuntimeService> {
  const log = opts.log ?? pino({ name: 'skiff-runtime' });
  await fs.mkdir(opts.root, { recursive: true, mode: 0o711 });
  const network = new CniNetwork({
    confDir: opts.cniConfDir,
    exec: parts.pluginExec,
    podCidr: opts.podCidr,
    ipamDataDir: join(opts.root, 'cni', 'networks'),
    bridge: opts.bridge,
    networkName: opts.networkName,
  });
  await network.ensureConf();
  const sandboxes = new SandboxManager({
    root: opts.root,
    store: new JsonRecordStore<SandboxRecord>(join(opts.root, 'state', 'sandboxes')),
    pause: parts.pause,
    pinner: parts.pinner,
    network,
    cgroups: parts.cgroups,
    log,
    hostResolvConfPath: opts.hostResolvConfPath,
  });
  const containers = new ContainerManager({
    root: opts.root,
    store: new JsonRecordStore<ContainerRecord>(join(opts.root, 'state', 'containers')),
    executor: parts.executor,
    images: parts.images,
    snapshotter: parts.snapshotter,
    cgroups: parts.cgroups,
    baseSpec: parts.baseSpec,
    hostCapabilities: parts.hostCapabilities,
    log,
  });
  await parts.executor.recover();
  await containers.recover();
  await sandboxes.recover();

  const runtimeHandlers = new RuntimeServiceHandlers({
    sandboxes,
    containers,
    network,
    cgroups: parts.cgroups,
    version: opts.version ?? '0.1.0',
    containerFsMountpoint: opts.root,
  });
  const imageHandlers = new ImageServiceHandlers(parts.images, (id) => containers.imageUsedBy(id));
  const { runtimeServiceDefinition, imageServiceDefinition } = loadCri();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc.max_send_message_length': 40 * 1024 * 1024 });
  const streaming = await startRuntimeStreaming({ containers, sandboxes, executor: parts.executor, log });
  server.addService(runtimeServiceDefinition, bindService(runtimeServiceDefinition, withStreamingRpcs(runtimeHandlers, streaming.handlers), log));
  server.addService(imageServiceDefinition, bindService(imageServiceDefinition, imageHandlers, log));

  await fs.mkdir(dirname(opts.socket), { recursive: true, mode: 0o755 });
  await fs.rm(opts.socket, { force: true });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${opts.socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  await fs.chmod(opts.socket, 0o600);
  log.info({ socket: opts.socket, root: opts.root, sandboxes: sandboxes.list().length, containers: containers.list().length }, 'skiff runtime serving the CRI');

  return {
    socket: opts.socket,
    sandboxes,
    containers,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          void Promise.all([fs.rm(opts.socket, { force: true }), streaming.close()]).finally(resolve);
        });
        setTimeout(() => server.forceShutdown(), 2000).unref();
      }),
  };
}
