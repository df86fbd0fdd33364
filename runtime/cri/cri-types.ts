// TypeScript shapes of the CRI messages as protos/api.proto decodes them with the loader options
// in proto-loader.ts (snake_case names, int64 as number, enums as their names, defaults filled in:
// a missing message is null, a missing repeated field [], a missing map {}).
//
// Requests are typed `Partial`-friendly via the `...Input` helpers where a client sends them, so
// callers need not spell out every default.

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type CriSignal = 'RUNTIME_DEFAULT' | `SIG${string}`;
export type StringMap = Record<string, string>;

export interface Int64Value { value: number }
export interface UInt64Value { value: number }
export interface KeyValue { key: string; value: string }

export interface VersionRequest { version: string }
export interface VersionResponse { version: string; runtime_name: string; runtime_version: string; runtime_api_version: string }

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
export interface StatusRequest { verbose: boolean }
export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: StringMap;
  runtime_handlers: { name: string; features: { recursive_read_only_mounts: boolean; user_namespaces: boolean } | null }[];
  features: { supplemental_groups_policy: boolean; user_namespaces_host_network: boolean } | null;
}

export interface NamespaceOption {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
  target_id: string;
}

export interface LinuxContainerResources {
  cpu_period: number;
  cpu_quota: number;
  cpu_shares: number;
  memory_limit_in_bytes: number;
  oom_score_adj: number;
  cpuset_cpus: string;
  cpuset_mems: string;
  hugepage_limits: { page_size: string; limit: number }[];
  unified: StringMap;
  memory_swap_limit_in_bytes: number;
}

export interface ImageSpec {
  image: string;
  annotations: StringMap;
  user_specified_image: string;
  runtime_handler: string;
  image_ref: string;
}

export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }
export interface PortMapping { protocol: Protocol; container_port: number; host_port: number; host_ip: string }

export interface LinuxSandboxSecurityContext {
  namespace_options: NamespaceOption | null;
  run_as_user: Int64Value | null;
  run_as_group: Int64Value | null;
  readonly_rootfs: boolean;
  supplemental_groups: number[];
  privileged: boolean;
}

export interface LinuxPodSandboxConfig {
  cgroup_parent: string;
  security_context: LinuxSandboxSecurityContext | null;
  sysctls: StringMap;
  overhead: LinuxContainerResources | null;
  resources: LinuxContainerResources | null;
}

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata | null;
  hostname: string;
  log_directory: string;
  dns_config: DNSConfig | null;
  port_mappings: PortMapping[];
  labels: StringMap;
  annotations: StringMap;
  linux: LinuxPodSandboxConfig | null;
}

export interface RunPodSandboxRequest { config: PodSandboxConfig | null; runtime_handler: string }
export interface RunPodSandboxResponse { pod_sandbox_id: string }
export interface PodSandboxIdRequest { pod_sandbox_id: string }
export interface PodSandboxStatusRequest { pod_sandbox_id: string; verbose: boolean }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: number;
  network: { ip: string; additional_ips: { ip: string }[] } | null;
  linux: { namespaces: { options: NamespaceOption | null } | null } | null;
  labels: StringMap;
  annotations: StringMap;
  runtime_handler: string;
}

export interface PodSandboxStatusResponse {
  status: PodSandboxStatus | null;
  info: StringMap;
  containers_statuses: ContainerStatus[];
  timestamp: number;
}

export interface PodSandboxFilter {
  id: string;
  state: { state: PodSandboxState } | null;
  label_selector: StringMap;
}
export interface ListPodSandboxRequest { filter: PodSandboxFilter | null }

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: number;
  labels: StringMap;
  annotations: StringMap;
  runtime_handler: string;
}
export interface ListPodSandboxResponse { items: PodSandbox[] }

export interface Mount {
  container_path: string;
  host_path: string;
  readonly: boolean;
  selinux_relabel: boolean;
  propagation: MountPropagation;
  recursive_read_only: boolean;
  image: ImageSpec | null;
  image_sub_path: string;
}

export interface Capability { add_capabilities: string[]; drop_capabilities: string[]; add_ambient_capabilities: string[] }

export interface LinuxContainerSecurityContext {
  capabilities: Capability | null;
  privileged: boolean;
  namespace_options: NamespaceOption | null;
  run_as_user: Int64Value | null;
  run_as_group: Int64Value | null;
  run_as_username: string;
  readonly_rootfs: boolean;
  supplemental_groups: number[];
  no_new_privs: boolean;
  masked_paths: string[];
  readonly_paths: string[];
}

export interface LinuxContainerConfig {
  resources: LinuxContainerResources | null;
  security_context: LinuxContainerSecurityContext | null;
}

export interface ContainerMetadata { name: string; attempt: number }
export interface Device { container_path: string; host_path: string; permissions: string }

export interface ContainerConfig {
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  command: string[];
  args: string[];
  working_dir: string;
  envs: KeyValue[];
  mounts: Mount[];
  devices: Device[];
  labels: StringMap;
  annotations: StringMap;
  log_path: string;
  stdin: boolean;
  stdin_once: boolean;
  tty: boolean;
  linux: LinuxContainerConfig | null;
  stop_signal: CriSignal;
}

export interface CreateContainerRequest {
  pod_sandbox_id: string;
  config: ContainerConfig | null;
  sandbox_config: PodSandboxConfig | null;
}
export interface CreateContainerResponse { container_id: string }
export interface ContainerIdRequest { container_id: string }
export interface StopContainerRequest { container_id: string; timeout: number }
export interface ContainerStatusRequest { container_id: string; verbose: boolean }

export interface ContainerFilter {
  id: string;
  state: { state: ContainerState } | null;
  pod_sandbox_id: string;
  label_selector: StringMap;
}
export interface ListContainersRequest { filter: ContainerFilter | null }

export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  image_ref: string;
  state: ContainerState;
  created_at: number;
  labels: StringMap;
  annotations: StringMap;
  image_id: string;
}
export interface ListContainersResponse { containers: Container[] }

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata | null;
  state: ContainerState;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  image: ImageSpec | null;
  image_ref: string;
  reason: string;
  message: string;
  labels: StringMap;
  annotations: StringMap;
  mounts: Mount[];
  log_path: string;
  resources: { linux: LinuxContainerResources | null } | null;
  image_id: string;
  user: { linux: { uid: number; gid: number; supplemental_groups: number[] } | null } | null;
  stop_signal: CriSignal;
}
export interface ContainerStatusResponse { status: ContainerStatus | null; info: StringMap }

export interface UpdateContainerResourcesRequest {
  container_id: string;
  linux: LinuxContainerResources | null;
  annotations: StringMap;
}

export interface ExecSyncRequest { container_id: string; cmd: string[]; timeout: number }
export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exit_code: number }

export interface CpuUsage { timestamp: number; usage_core_nano_seconds: UInt64Value | null; usage_nano_cores: UInt64Value | null }
export interface MemoryUsage {
  timestamp: number;
  working_set_bytes: UInt64Value | null;
  available_bytes: UInt64Value | null;
  usage_bytes: UInt64Value | null;
  rss_bytes: UInt64Value | null;
  page_faults: UInt64Value | null;
  major_page_faults: UInt64Value | null;
}
export interface FilesystemUsage {
  timestamp: number;
  fs_id: { mountpoint: string } | null;
  used_bytes: UInt64Value | null;
  inodes_used: UInt64Value | null;
}
export interface ContainerAttributes { id: string; metadata: ContainerMetadata | null; labels: StringMap; annotations: StringMap }
export interface ContainerStats {
  attributes: ContainerAttributes | null;
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  writable_layer: FilesystemUsage | null;
}
export interface ContainerStatsResponse { stats: ContainerStats | null }
export interface ContainerStatsFilter { id: string; pod_sandbox_id: string; label_selector: StringMap }
export interface ListContainerStatsRequest { filter: ContainerStatsFilter | null }
export interface ListContainerStatsResponse { stats: ContainerStats[] }

export interface PodSandboxStats {
  attributes: { id: string; metadata: PodSandboxMetadata | null; labels: StringMap; annotations: StringMap } | null;
  linux: {
    cpu: CpuUsage | null;
    memory: MemoryUsage | null;
    network: {
      timestamp: number;
      default_interface: { name: string; rx_bytes: UInt64Value | null; rx_errors: UInt64Value | null; tx_bytes: UInt64Value | null; tx_errors: UInt64Value | null } | null;
      interfaces: unknown[];
    } | null;
    process: { timestamp: number; process_count: UInt64Value | null } | null;
    containers: ContainerStats[];
  } | null;
}
export interface PodSandboxStatsResponse { stats: PodSandboxStats | null }
export interface PodSandboxStatsFilter { id: string; label_selector: StringMap }
export interface ListPodSandboxStatsRequest { filter: PodSandboxStatsFilter | null }
export interface ListPodSandboxStatsResponse { stats: PodSandboxStats[] }

export interface Image {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: number;
  uid: Int64Value | null;
  username: string;
  spec: ImageSpec | null;
  pinned: boolean;
}
export interface ListImagesRequest { filter: { image: ImageSpec | null } | null }
export interface ListImagesResponse { images: Image[] }
export interface ImageStatusRequest { image: ImageSpec | null; verbose: boolean }
export interface ImageStatusResponse { image: Image | null; info: StringMap }
export interface AuthConfig {
  username: string;
  password: string;
  auth: string;
  server_address: string;
  identity_token: string;
  registry_token: string;
}
export interface PullImageRequest { image: ImageSpec | null; auth: AuthConfig | null; sandbox_config: PodSandboxConfig | null }
export interface PullImageResponse { image_ref: string }
export interface RemoveImageRequest { image: ImageSpec | null }
export interface ImageFsInfoResponse { image_filesystems: FilesystemUsage[]; container_filesystems: FilesystemUsage[] }

/** A request as a client may write it: any field may be left out (the decoder fills defaults). */
export type DeepPartial<T> = T extends Buffer
  ? T
  : T extends (infer U)[]
    ? DeepPartial<U>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> | null }
      : T;
