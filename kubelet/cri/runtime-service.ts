// The kubelet's view of the CRI (runtime.v1 RuntimeService + ImageService), the subset it uses.
// Field names mirror the proto exactly (snake_case, as @grpc/proto-loader delivers them with
// keepCase), enums are their string names and int64s are numbers, so the gRPC client is a thin
// pass-through. The real implementation is kubelet/cri/cri-client.ts; unit tests use a fake.

export type CriProtocol = 'TCP' | 'UDP' | 'SCTP';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type CriContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface PortMapping {
  protocol: CriProtocol;
  container_port: number;
  host_port: number;
  host_ip: string;
}

export interface NamespaceOption {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
  target_id?: string;
}

export interface Int64Value {
  value: number;
}

export interface LinuxSandboxSecurityContext {
  namespace_options?: NamespaceOption;
  run_as_user?: Int64Value;
  run_as_group?: Int64Value;
  supplemental_groups?: number[];
  privileged?: boolean;
}

export interface LinuxPodSandboxConfig {
  cgroup_parent?: string;
  security_context?: LinuxSandboxSecurityContext;
  sysctls?: Record<string, string>;
}

export interface DNSConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  log_directory: string;
  dns_config?: DNSConfig;
  port_mappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux?: LinuxPodSandboxConfig;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  label_selector?: Record<string, string>;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  /** nanoseconds since the epoch */
  created_at: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  created_at: number;
  network?: { ip: string; additional_ips?: { ip: string }[] } | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface ImageSpec {
  image: string;
  annotations?: Record<string, string>;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface Mount {
  container_path: string;
  host_path: string;
  readonly: boolean;
  selinux_relabel?: boolean;
  propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
}

export interface LinuxContainerResources {
  cpu_period: number;
  cpu_quota: number;
  cpu_shares: number;
  memory_limit_in_bytes: number;
  oom_score_adj: number;
  cpuset_cpus?: string;
  cpuset_mems?: string;
}

export interface LinuxContainerSecurityContext {
  capabilities?: { add_capabilities: string[]; drop_capabilities: string[] };
  privileged?: boolean;
  namespace_options?: NamespaceOption;
  run_as_user?: Int64Value;
  run_as_group?: Int64Value;
  run_as_username?: string;
  readonly_rootfs?: boolean;
  supplemental_groups?: number[];
  no_new_privs?: boolean;
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  security_context?: LinuxContainerSecurityContext;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command: string[];
  args: string[];
  working_dir: string;
  envs: KeyValue[];
  mounts: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** relative to the sandbox's log_directory */
  log_path: string;
  stdin: boolean;
  stdin_once: boolean;
  tty: boolean;
  linux?: LinuxContainerConfig;
}

export interface ContainerFilter {
  id?: string;
  state?: { state: CriContainerState };
  pod_sandbox_id?: string;
  label_selector?: Record<string, string>;
}

export interface CriContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  image_ref: string;
  state: CriContainerState;
  created_at: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: CriContainerState;
  /** nanoseconds since the epoch; 0 when not yet */
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  image: ImageSpec;
  image_ref: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  log_path: string;
}

export interface VersionInfo {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface RuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exit_code: number;
}

export interface CriImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: number;
}

export interface UsageSample {
  /** nanoseconds since the epoch */
  timestamp: number;
  /** cumulative CPU time */
  cpu_usage_core_nano_seconds?: number;
  /** CPU use now, when the runtime reports it */
  cpu_usage_nano_cores?: number;
  memory_working_set_bytes?: number;
  memory_usage_bytes?: number;
  /** limit minus working set, when the runtime knows a limit */
  memory_available_bytes?: number;
}

export interface ContainerStatsInfo extends UsageSample {
  /** the container's id, when the runtime names it */
  id?: string;
  name: string;
}

export interface PodSandboxStatsInfo extends UsageSample {
  sandbox_id: string;
  metadata: PodSandboxMetadata;
  rx_bytes?: number;
  tx_bytes?: number;
  containers: ContainerStatsInfo[];
}

/** The RuntimeService half of the CRI. */
export interface RuntimeService {
  version(): Promise<VersionInfo>;
  status(): Promise<RuntimeCondition[]>;
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** timeout in seconds: SIGTERM (or the image's stop signal), SIGKILL after it */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<CriContainer[]>;
  containerStatus(id: string): Promise<CriContainerStatus>;
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** CRI Exec: the runtime's one-time streaming URL for the command (optional for fakes) */
  exec?(req: CriExecRequest): Promise<string>;
  /** CRI PortForward: the runtime's one-time streaming URL for the sandbox's ports (optional for fakes) */
  portForward?(podSandboxId: string, ports: number[]): Promise<string>;
  updateRuntimeConfig(podCidr: string): Promise<void>;
  listPodSandboxStats(): Promise<PodSandboxStatsInfo[]>;
}

export interface CriExecRequest {
  container_id: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The ImageService half of the CRI. */
export interface ImageService {
  /** undefined when the image is not present */
  imageStatus(image: string): Promise<CriImage | undefined>;
  /** returns the image reference (ID) */
  pullImage(image: string, sandboxConfig?: PodSandboxConfig): Promise<string>;
  listImages(): Promise<CriImage[]>;
}

export interface Cri {
  runtime: RuntimeService;
  images: ImageService;
  close(): void;
}

/** gRPC's NOT_FOUND, which both services answer for an unknown id or image. */
export class CriNotFoundError extends Error {}
