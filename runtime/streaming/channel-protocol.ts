// The Kubernetes remote-command channel protocol over WebSocket (`v4.channel.k8s.io`,
// `v5.channel.k8s.io`): every binary message is one channel byte then the payload. Channel 3
// carries the final Status (success, or NonZeroExitCode with the exit code as a cause); v5 adds
// channel 255, whose payload byte names a channel the peer closed (stdin: end of input).

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** the subprotocols served, most preferred first */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

/** the protocol to answer with, from the client's offer (undefined: none we speak) */
export function selectExecProtocol(offered: Iterable<string>): ExecProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return EXEC_PROTOCOLS.find((p) => set.has(p));
}

export function encodeFrame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.of(channel), body]);
}

export function decodeFrame(message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0]!, data: message.subarray(1) };
}

export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason: string; message: string }[] };
}

/** the Status sent on the error channel when the command ended with EXITCODE */
export function exitStatus(exitCode: number, cmd: string[]): ExecStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command ${JSON.stringify(cmd)}, exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** the Status sent when the command could not run at all */
export function failureStatus(message: string): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}

/** a terminal size from a resize message (`{"Width":80,"Height":24}`), undefined when malformed */
export function parseResize(data: Buffer): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(data.toString()) as { Width?: unknown; Height?: unknown };
    if (typeof v.Width !== 'number' || typeof v.Height !== 'number') return undefined;
    return { width: v.Width, height: v.Height };
  } catch {
    return undefined;
  }
}
