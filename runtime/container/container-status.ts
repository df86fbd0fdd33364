// Pure mapping of the executor's view of a container to CRI states, exit codes, reasons and times.
import type { ContainerState as ExecState } from '../executor/executor.js';
import type { ContainerState } from '../cri/cri-types.js';

/** RFC 3339 with up to nanosecond fraction → nanoseconds since the epoch (0 when absent). */
export function rfc3339ToNanos(ts: string | undefined): number {
  if (!ts) return 0;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) {
    const ms = Date.parse(ts);
    return Number.isNaN(ms) ? 0 : ms * 1_000_000;
  }
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return 0;
  const frac = Number((m[2] ?? '').padEnd(9, '0') || '0');
  return seconds * 1_000_000 + frac;
}

export interface CriExit {
  state: ContainerState;
  exitCode: number;
  reason: string;
  message: string;
  startedAt: number;
  finishedAt: number;
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM' };

export function criStatusOf(st: ExecState): CriExit {
  const startedAt = rfc3339ToNanos(st.startedAt);
  const finishedAt = rfc3339ToNanos(st.finishedAt);
  switch (st.status) {
    case 'creating':
    case 'created':
      return { state: 'CONTAINER_CREATED', exitCode: 0, reason: '', message: '', startedAt, finishedAt };
    case 'running':
      return { state: 'CONTAINER_RUNNING', exitCode: 0, reason: '', message: '', startedAt, finishedAt };
    case 'stopped': {
      const exitCode = st.exitCode ?? (st.signal ? 128 + st.signal : 0);
      let reason = exitCode === 0 ? 'Completed' : 'Error';
      let message = '';
      if (st.oomKilled) {
        reason = 'OOMKilled';
        message = 'the container exceeded its memory limit and was killed by the kernel OOM killer';
      } else if (st.signal) {
        message = `killed by signal ${SIGNAL_NAMES[st.signal] ?? st.signal}`;
      }
      return { state: 'CONTAINER_EXITED', exitCode, reason, message, startedAt, finishedAt: finishedAt || startedAt };
    }
  }
}

/** CRI Signal enum name → the signal to send; RUNTIME_DEFAULT → the image's StopSignal or SIGTERM. */
export function stopSignalOf(criSignal: string, imageStopSignal: string | undefined): string {
  if (criSignal && criSignal !== 'RUNTIME_DEFAULT') return criSignal;
  if (imageStopSignal) {
    if (/^\d+$/.test(imageStopSignal)) return imageStopSignal;
    const up = imageStopSignal.toUpperCase();
    return up.startsWith('SIG') ? up : `SIG${up}`;
  }
  return 'SIGTERM';
}
