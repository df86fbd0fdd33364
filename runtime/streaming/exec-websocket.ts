// Runs one exec session over an accepted WebSocket: output of the process goes out on channels 1
// and 2, input from channel 0 goes to its stdin (v5: channel-close 255/0 ends it), channel 4 sizes
// its terminal (tty), and when the
// process has ended and its output is drained the Status goes out on channel 3 and the socket
// closes. A client that goes away kills the process.
import type { WebSocket } from 'ws';
import type { ExecProcess } from '../executor/executor.js';
import { CLOSE, decodeFrame, encodeFrame, ERROR, exitStatus, failureStatus, parseResize, RESIZE, STDERR, STDIN, STDOUT, type ExecProtocol } from './channel-protocol.js';

export interface ExecSessionSpec {
  containerId: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export type StartExec = (spec: ExecSessionSpec) => Promise<ExecProcess>;

/** stop reading the process's output while this much is queued for a slow client */
const HIGH_WATER = 1 << 20;

function send(ws: WebSocket, channel: number, data: Buffer | string): void {
  if (ws.readyState === ws.OPEN) ws.send(encodeFrame(channel, data));
}

/** forwards OUTPUT on CHANNEL, pausing it while the socket's queue is above HIGH_WATER */
function relay(ws: WebSocket, channel: number, output: NodeJS.ReadableStream): void {
  output.on('data', (b: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(encodeFrame(channel, b), () => {
      if (output.isPaused() && ws.bufferedAmount < HIGH_WATER) output.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER) output.pause();
  });
}

export async function serveExecWebSocket(ws: WebSocket, protocol: ExecProtocol, spec: ExecSessionSpec, start: StartExec): Promise<void> {
  // the client may send input before the process is up: hold it until then
  let proc: ExecProcess | undefined;
  const early: Buffer[] = [];
  const onInput = (raw: Buffer): void => {
    if (!proc) return void early.push(raw);
    const f = decodeFrame(raw);
    if (!f) return;
    if (f.channel === STDIN) proc.stdin?.write(f.data);
    else if (f.channel === CLOSE && protocol === 'v5.channel.k8s.io' && f.data[0] === STDIN) proc.stdin?.end();
    else if (f.channel === RESIZE) {
      const size = parseResize(f.data);
      if (size) proc.resize?.(size.width, size.height);
    }
    // other channels are not the client's to send
  };
  ws.on('message', onInput);
  ws.on('close', () => proc?.kill());
  ws.on('error', () => proc?.kill());
  try {
    proc = await start(spec);
  } catch (e) {
    send(ws, ERROR, JSON.stringify(failureStatus(`error executing command in container: ${(e as Error).message}`)));
    ws.close(1000);
    return;
  }
  if (ws.readyState !== ws.OPEN) return proc.kill();
  for (const m of early.splice(0)) onInput(m);
  if (spec.stdout) relay(ws, STDOUT, proc.stdout);
  else proc.stdout.resume();
  if (spec.stderr) relay(ws, STDERR, proc.stderr);
  else proc.stderr.resume();
  let status;
  try {
    status = exitStatus(await proc.exit, spec.cmd);
  } catch (e) {
    status = failureStatus(`error executing command in container: ${(e as Error).message}`);
  }
  send(ws, ERROR, JSON.stringify(status));
  ws.close(1000);
}
