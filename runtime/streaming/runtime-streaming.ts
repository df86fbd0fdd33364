// Wires the streaming server into the runtime: exec processes come from the executor with the
// container's env, cwd and user (as ExecSync's do); the CRI handlers answer the session URLs.
import type { Logger } from 'pino';
import type { ContainerManager } from '../container/container-manager.js';
import { failedPrecondition } from '../cri/cri-error.js';
import type { Executor, ExecProcess } from '../executor/executor.js';
import type { SandboxManager } from '../sandbox/sandbox-manager.js';
import { findNativeBinary, sealedBinaryPath } from '../executor/native-binary.js';
import { podPortConnector } from './pod-port-connector.js';
import { servePortForwardSpdy, type PortConnector } from './port-forward.js';
import { CriStreamingHandlers } from './cri-streaming.js';
import type { ExecSessionSpec } from './exec-websocket.js';
import { startStreamingServer, type ServePortForward, type StreamingServer } from './streaming-server.js';

export interface RuntimeStreamingDeps {
  containers: ContainerManager;
  sandboxes: SandboxManager;
  executor: Executor;
  log: Logger;
  /** default: SPDY port-forward into the sandbox's network namespace through the native helper */
  servePortForward?: ServePortForward;
}

export interface RuntimeStreaming {
  server: StreamingServer;
  handlers: CriStreamingHandlers;
  close(): Promise<void>;
}

export function execStarter(containers: ContainerManager, executor: Executor): (spec: ExecSessionSpec) => Promise<ExecProcess> {
  return async (spec) => {
    if (!executor.execStream) throw failedPrecondition('this executor cannot run streaming exec');
    const rec = containers.get(spec.containerId);
    return executor.execStream(rec.id, {
      args: spec.cmd,
      env: rec.env,
      cwd: rec.cwd,
      user: rec.user ? { uid: rec.user.uid, gid: rec.user.gid } : undefined,
      stdin: spec.stdin,
      tty: spec.tty,
    });
  };
}

function defaultPortForward(sandboxes: SandboxManager, log: Logger): ServePortForward {
  let connector: PortConnector | undefined;
  // the native helper is looked up at the first connection, so a runtime without one still starts
  const connect: PortConnector = (sandboxId, port) => {
    connector ??= podPortConnector(sandboxes, sealedBinaryPath(findNativeBinary()));
    return connector(sandboxId, port);
  };
  return (socket, spec) => void servePortForwardSpdy(socket, spec, connect, log);
}

export async function startRuntimeStreaming(d: RuntimeStreamingDeps): Promise<RuntimeStreaming> {
  const servePortForward = d.servePortForward ?? defaultPortForward(d.sandboxes, d.log);
  const server = await startStreamingServer({ startExec: execStarter(d.containers, d.executor), servePortForward, log: d.log });
  const handlers = new CriStreamingHandlers({ server, containers: d.containers, sandboxes: d.sandboxes });
  return { server, handlers, close: () => server.close() };
}

/** the runtime handlers with the streaming RPCs answered by STREAMING (the other RPCs unchanged) */
export function withStreamingRpcs<T extends object>(runtime: T, streaming: CriStreamingHandlers): T {
  const rpcs = { Exec: streaming.Exec.bind(streaming), Attach: streaming.Attach.bind(streaming), PortForward: streaming.PortForward.bind(streaming) };
  return Object.assign(Object.create(runtime) as T, rpcs);
}
