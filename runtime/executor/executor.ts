// The boundary between the CRI service and the OCI executor. The real implementation drives the
// native helper (runtime/native); a fake for unit tests lives under test/.

/** An OCI runtime-spec config.json, the subset Skiff reads. Field names are the spec's. */
export interface OciSpec {
  ociVersion: string;
  process?: {
    terminal?: boolean;
    user?: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env?: string[];
    cwd: string;
    capabilities?: { bounding?: string[]; effective?: string[]; permitted?: string[]; inheritable?: string[]; ambient?: string[] };
    rlimits?: { type: string; hard: number; soft: number }[];
    noNewPrivileges?: boolean;
    oomScoreAdj?: number;
  };
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  mounts?: { destination: string; type?: string; source?: string; options?: string[] }[];
  annotations?: Record<string, string>;
  linux?: {
    namespaces?: { type: string; path?: string }[];
    resources?: {
      memory?: { limit?: number; reservation?: number; swap?: number };
      cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
      pids?: { limit: number };
      devices?: { allow: boolean; type?: string; major?: number; minor?: number; access?: string }[];
    };
    cgroupsPath?: string;
    maskedPaths?: string[];
    readonlyPaths?: string[];
    sysctl?: Record<string, string>;
    rootfsPropagation?: string;
  };
}

export type ContainerStatusName = 'creating' | 'created' | 'running' | 'stopped';

export interface ContainerState {
  id: string;
  status: ContainerStatusName;
  pid: number; // 0 when not running
  bundle: string;
  createdAt: string; // RFC 3339 with nanoseconds
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number; // set when stopped
  signal?: number; // the signal that killed it, when killed
  oomKilled?: boolean;
}

export interface CreateOptions {
  /** file that receives stdout/stderr in the CRI log format; none: output discarded */
  logPath?: string;
  /** where the container's stdio goes: the CRI log (default with logPath), nowhere (default without), or the caller's own fds 0-2 (`skiff oci`) */
  stdio?: 'log' | 'null' | 'inherit';
}

export interface ExecOptions {
  args: string[];
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid: number };
  timeoutMs?: number; // 0 or absent: no timeout
  stdin?: Buffer;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
  timedOut: boolean;
}

/** A streaming exec (CRI Exec): like ExecOptions without the buffered stdin and timeout. */
export interface ExecStreamOptions {
  args: string[];
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid: number };
  /** give the process a stdin pipe; without it stdin is /dev/null */
  stdin: boolean;
  /** run it on a terminal opened in the container (stdout carries the terminal's output, stderr stays empty) */
  tty?: boolean;
}

/** A live process inside a container: its stdio pipes and its exit status. */
export interface ExecProcess {
  stdin: NodeJS.WritableStream | null;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** the exit status (128+signal when killed) once the process ended and its output was read; rejects when the process could not be started */
  exit: Promise<number>;
  /** SIGKILL (the client went away) */
  kill(): void;
  /** sets the terminal's size (tty only) */
  resize?(cols: number, rows: number): void;
}

export interface ContainerStats {
  timestamp: string;
  cpuUsageNanos: number;
  memoryUsageBytes: number;
  memoryWorkingSetBytes: number;
  pids: number;
}

export interface Executor {
  create(id: string, bundle: string, opts?: CreateOptions): Promise<ContainerState>;
  start(id: string): Promise<ContainerState>;
  state(id: string): Promise<ContainerState>;
  kill(id: string, signal: NodeJS.Signals | number): Promise<void>;
  /** removes the container's state, cgroup and monitor; refuses a running container unless force */
  delete(id: string, opts?: { force?: boolean }): Promise<void>;
  exec(id: string, opts: ExecOptions): Promise<ExecResult>;
  /** a process in the container with live stdio (CRI streaming exec); optional for executors that cannot */
  execStream?(id: string, opts: ExecStreamOptions): Promise<ExecProcess>;
  stats(id: string): Promise<ContainerStats>;
  /** makes the container's monitor reopen its log file (after a rotation); the reopen is asynchronous */
  reopenLog(id: string): Promise<void>;
  /** rebuilds in-memory state from disk after a restart; returns what it found */
  recover(): Promise<ContainerState[]>;
  /** resolves when the container has stopped (its monitor recorded the exit) */
  wait(id: string): Promise<ContainerState>;
}
