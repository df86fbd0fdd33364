// The kubelet's CRI client: RuntimeService + ImageService over gRPC on a unix socket, with the
// loader the runtime uses (snake_case fields, enums as names, int64 as numbers). Every call has a
// deadline; gRPC NOT_FOUND becomes CriNotFoundError so callers can tell "gone" from "broken".
import * as grpc from '@grpc/grpc-js';
import { criAddress, loadCri } from '../../runtime/cri/proto-loader.js';
import {
  CriNotFoundError,
  type ContainerConfig,
  type ContainerFilter,
  type PodSandboxMetadata,
  type PodSandboxStatsInfo,
  type Cri,
  type CriContainer,
  type CriContainerStatus,
  type CriExecRequest,
  type CriImage,
  type ExecSyncResult,
  type ImageService,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeCondition,
  type RuntimeService,
  type VersionInfo,
} from './runtime-service.js';

type UnaryFn = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

const DEFAULT_TIMEOUT_MS = 2 * 60_000;
const PULL_TIMEOUT_MS = 10 * 60_000;

export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: grpc.status,
    details: string,
  ) {
    super(`CRI ${method}: ${details}`);
    this.name = 'CriError';
  }
}

function call<Res>(client: grpc.Client, method: string, req: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, UnaryFn>)[method];
    fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (!err) resolve(res as Res);
      else if (err.code === grpc.status.NOT_FOUND) reject(new CriNotFoundError(`CRI ${method}: ${err.details}`));
      else reject(new CriError(method, err.code, err.details || err.message));
    });
  });
}

interface UsageWire {
  cpu: { timestamp: number; usage_core_nano_seconds: { value: number } | null; usage_nano_cores: { value: number } | null } | null;
  memory: { timestamp: number; working_set_bytes: { value: number } | null; usage_bytes?: { value: number } | null; available_bytes?: { value: number } | null } | null;
}

interface ContainerStatsWire extends UsageWire {
  attributes: { id: string; metadata: { name: string } | null } | null;
}

interface PodSandboxStatsWire {
  attributes: { id: string; metadata: PodSandboxMetadata | null } | null;
  linux:
    | (UsageWire & {
        network: { default_interface: { rx_bytes: { value: number } | null; tx_bytes: { value: number } | null } | null } | null;
        containers: ContainerStatsWire[];
      })
    | null;
}

function usage(u: UsageWire | null | undefined) {
  return {
    timestamp: u?.cpu?.timestamp ?? u?.memory?.timestamp ?? 0,
    cpu_usage_core_nano_seconds: u?.cpu?.usage_core_nano_seconds?.value,
    cpu_usage_nano_cores: u?.cpu?.usage_nano_cores?.value,
    memory_working_set_bytes: u?.memory?.working_set_bytes?.value,
    memory_usage_bytes: u?.memory?.usage_bytes?.value,
    memory_available_bytes: u?.memory?.available_bytes?.value,
  };
}

class GrpcRuntimeService implements RuntimeService {
  constructor(private readonly c: grpc.Client) {}

  version(): Promise<VersionInfo> {
    return call<VersionInfo>(this.c, 'Version', { version: 'v1' });
  }

  async status(): Promise<RuntimeCondition[]> {
    const r = await call<{ status: { conditions: RuntimeCondition[] } | null }>(this.c, 'Status', { verbose: false });
    return r.status?.conditions ?? [];
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const r = await call<{ pod_sandbox_id: string }>(this.c, 'RunPodSandbox', { config, runtime_handler: '' });
    return r.pod_sandbox_id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await call(this.c, 'StopPodSandbox', { pod_sandbox_id: id });
  }

  async removePodSandbox(id: string): Promise<void> {
    await call(this.c, 'RemovePodSandbox', { pod_sandbox_id: id });
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const r = await call<{ status: PodSandboxStatus | null }>(this.c, 'PodSandboxStatus', { pod_sandbox_id: id, verbose: false });
    if (!r.status) throw new CriNotFoundError(`CRI PodSandboxStatus: no status for ${id}`);
    return r.status;
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const r = await call<{ items: PodSandbox[] }>(this.c, 'ListPodSandbox', filter ? { filter } : {});
    return r.items;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await call<{ container_id: string }>(this.c, 'CreateContainer', { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig });
    return r.container_id;
  }

  async startContainer(id: string): Promise<void> {
    await call(this.c, 'StartContainer', { container_id: id });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await call(this.c, 'StopContainer', { container_id: id, timeout: timeoutSeconds }, (timeoutSeconds + 30) * 1000);
  }

  async removeContainer(id: string): Promise<void> {
    await call(this.c, 'RemoveContainer', { container_id: id });
  }

  async listContainers(filter?: ContainerFilter): Promise<CriContainer[]> {
    const r = await call<{ containers: CriContainer[] }>(this.c, 'ListContainers', filter ? { filter } : {});
    return r.containers;
  }

  async containerStatus(id: string): Promise<CriContainerStatus> {
    const r = await call<{ status: CriContainerStatus | null }>(this.c, 'ContainerStatus', { container_id: id, verbose: false });
    if (!r.status) throw new CriNotFoundError(`CRI ContainerStatus: no status for ${id}`);
    return r.status;
  }

  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return call<ExecSyncResult>(this.c, 'ExecSync', { container_id: id, cmd, timeout: timeoutSeconds }, (timeoutSeconds + 5) * 1000);
  }

  async exec(req: CriExecRequest): Promise<string> {
    const r = await call<{ url: string }>(this.c, 'Exec', req, 30_000);
    return r.url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    const r = await call<{ url: string }>(this.c, 'PortForward', { pod_sandbox_id: podSandboxId, port: ports }, 30_000);
    return r.url;
  }

  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await call(this.c, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: podCidr } } });
  }

  async listPodSandboxStats(): Promise<PodSandboxStatsInfo[]> {
    const r = await call<{ stats: PodSandboxStatsWire[] }>(this.c, 'ListPodSandboxStats', {});
    return r.stats.map((s) => ({
      sandbox_id: s.attributes?.id ?? '',
      metadata: s.attributes?.metadata ?? { name: '', uid: '', namespace: '', attempt: 0 },
      ...usage(s.linux),
      rx_bytes: s.linux?.network?.default_interface?.rx_bytes?.value,
      tx_bytes: s.linux?.network?.default_interface?.tx_bytes?.value,
      containers: (s.linux?.containers ?? []).map((c) => ({ id: c.attributes?.id, name: c.attributes?.metadata?.name ?? '', ...usage(c) })),
    }));
  }
}

class GrpcImageService implements ImageService {
  constructor(private readonly c: grpc.Client) {}

  async imageStatus(image: string): Promise<CriImage | undefined> {
    try {
      const r = await call<{ image: CriImage | null }>(this.c, 'ImageStatus', { image: { image }, verbose: false });
      return r.image && r.image.id ? r.image : undefined;
    } catch (err) {
      if (err instanceof CriNotFoundError) return undefined;
      throw err;
    }
  }

  async pullImage(image: string, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const r = await call<{ image_ref: string }>(this.c, 'PullImage', { image: { image }, ...(sandboxConfig ? { sandbox_config: sandboxConfig } : {}) }, PULL_TIMEOUT_MS);
    return r.image_ref;
  }

  async listImages(): Promise<CriImage[]> {
    const r = await call<{ images: CriImage[] }>(this.c, 'ListImages', {});
    return r.images;
  }
}

/** Dials the CRI at `unix:///run/skiff/runtime.sock` (or a bare path). */
export function connectCri(endpoint: string): Cri {
  const defs = loadCri();
  const address = criAddress(endpoint);
  const opts: grpc.ChannelOptions = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
  const runtimeClient = new defs.RuntimeService(address, grpc.credentials.createInsecure(), opts);
  const imageClient = new defs.ImageService(address, grpc.credentials.createInsecure(), opts);
  return {
    runtime: new GrpcRuntimeService(runtimeClient),
    images: new GrpcImageService(imageClient),
    close() {
      runtimeClient.close();
      imageClient.close();
    },
  };
}
