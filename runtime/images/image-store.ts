// The boundary between the CRI service and the image store (runtime/images).

export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface ImageRecord {
  /** the image ID: the config digest, `sha256:...` */
  id: string;
  /** every name it is known by: `docker.io/library/busybox:latest` */
  repoTags: string[];
  /** `docker.io/library/busybox@sha256:<manifest digest>` */
  repoDigests: string[];
  /** sum of compressed layer sizes plus config */
  size: number;
  config: ImageConfig;
  /** chain IDs of the layers, bottom first */
  chainIds: string[];
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string; // base64 user:password
  identityToken?: string;
  registryToken?: string;
}

export interface PullProgress {
  digest: string;
  total: number;
  done: number;
  phase: 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'done' | 'exists';
}

export interface ImageFsUsage {
  mountpoint: string;
  usedBytes: number;
  inodesUsed: number;
}

export interface ImageStore {
  pull(ref: string, opts?: { auth?: AuthConfig; onProgress?: (p: PullProgress) => void }): Promise<ImageRecord>;
  import(archivePath: string, opts?: { tag?: string }): Promise<ImageRecord[]>;
  list(): Promise<ImageRecord[]>;
  /** by ID, full or short name, or digest reference; undefined when absent */
  get(ref: string): Promise<ImageRecord | undefined>;
  /** refuses (throws ImageInUseError) while `inUse(id)` says a container uses it */
  remove(ref: string): Promise<void>;
  /** absolute paths of the unpacked layer dirs, bottom first, for the overlay lower dirs */
  layerPaths(image: ImageRecord): string[];
  gc(): Promise<{ removedBlobs: number; removedLayers: number; freedBytes: number }>;
  usage(): Promise<ImageFsUsage>;
}
