// The CRI's streaming RPCs: Exec and PortForward check their request, register a session on the
// streaming server and answer its URL. Attach stays unimplemented (containers' stdio goes to their
// log; there is no terminal to attach to).
import { invalidArgument, failedPrecondition, unimplemented } from '../cri/cri-error.js';
import type { ContainerManager } from '../container/container-manager.js';
import type { SandboxManager } from '../sandbox/sandbox-manager.js';
import type { StreamingServer } from './streaming-server.js';

export interface ExecRequest {
  container_id: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface PortForwardRequest {
  pod_sandbox_id: string;
  port: number[];
}

export interface CriStreamingDeps {
  server: StreamingServer;
  containers: ContainerManager;
  sandboxes: SandboxManager;
}

export class CriStreamingHandlers {
  constructor(private readonly d: CriStreamingDeps) {}

  async Exec(req: ExecRequest): Promise<{ url: string }> {
    if (!req.container_id) throw invalidArgument('container_id', 'required');
    if (!req.cmd?.length) throw invalidArgument('cmd', 'required');
    if (!req.stdin && !req.stdout && !req.stderr) throw invalidArgument('stdin', 'one of stdin, stdout or stderr must be set');
    if (req.tty && req.stderr) throw invalidArgument('stderr', 'tty and stderr cannot both be set (a terminal merges the streams)');
    const rec = this.d.containers.get(req.container_id);
    const st = await this.d.containers.execState(rec);
    if (!st || st.status !== 'running') throw failedPrecondition(`container ${rec.id} is not running`);
    const url = this.d.server.execUrl({ containerId: rec.id, cmd: req.cmd, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
    return { url };
  }

  async Attach(): Promise<object> {
    throw unimplemented('Attach', 'attach is not supported: container output goes to its log (use logs -f), and exec gives a new process with stdin');
  }

  async PortForward(req: PortForwardRequest): Promise<{ url: string }> {
    if (!req.pod_sandbox_id) throw invalidArgument('pod_sandbox_id', 'required');
    const ports = req.port ?? [];
    const bad = ports.find((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (bad !== undefined) throw invalidArgument('port', `${bad} is not a TCP port (1-65535)`);
    const sb = this.d.sandboxes.get(req.pod_sandbox_id);
    if (!(await this.d.sandboxes.isReady(sb))) throw failedPrecondition(`pod sandbox ${sb.id} is not ready`);
    return { url: this.d.server.portForwardUrl({ sandboxId: sb.id, ports }) };
  }
}
