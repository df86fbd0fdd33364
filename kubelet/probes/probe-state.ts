// The pure half of probing: a probe's timings with Kubernetes' defaults, and how one result moves
// a probe's counters and verdict (successThreshold / failureThreshold consecutive results).
import type { Probe } from '../../api/types/core.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure';

export interface ProbeTimings {
  initialDelayMs: number;
  periodMs: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTimings(p: Probe): ProbeTimings {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutSeconds: Math.max(1, p.timeoutSeconds ?? 1),
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

export interface ProbeState {
  /** the verdict: liveness starts passing, readiness and startup start failing */
  verdict: ProbeResult;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

export function initialProbeState(kind: ProbeKind): ProbeState {
  return { verdict: kind === 'liveness' ? 'success' : 'failure', consecutiveSuccesses: 0, consecutiveFailures: 0 };
}

export function applyProbeResult(state: ProbeState, result: ProbeResult, t: Pick<ProbeTimings, 'successThreshold' | 'failureThreshold'>): ProbeState {
  if (result === 'success') {
    const s = state.consecutiveSuccesses + 1;
    return { verdict: s >= t.successThreshold ? 'success' : state.verdict, consecutiveSuccesses: s, consecutiveFailures: 0 };
  }
  const f = state.consecutiveFailures + 1;
  return { verdict: f >= t.failureThreshold ? 'failure' : state.verdict, consecutiveSuccesses: 0, consecutiveFailures: f };
}

/** A named port (`http`) resolved against the container's ports; numbers pass through. */
export function resolveProbePort(port: number | string, ports: { name?: string; containerPort: number }[] | undefined): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = ports?.find((p) => p.name === port);
  if (!found) throw new Error(`probe port "${port}" is not a named port of the container`);
  return found.containerPort;
}

/** HTTP probes pass on 200-399. */
export function httpStatusPasses(code: number): boolean {
  return code >= 200 && code < 400;
}
