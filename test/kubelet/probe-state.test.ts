import { describe, expect, it } from 'vitest';
import { applyProbeResult, httpStatusPasses, initialProbeState, probeTimings, resolveProbePort, type ProbeResult } from '../../kubelet/probes/probe-state.js';

describe('probe timings', () => {
  it('applies Kubernetes defaults', () => {
    expect(probeTimings({})).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    expect(probeTimings({ initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1 })).toEqual({
      initialDelayMs: 5000,
      periodMs: 2000,
      timeoutSeconds: 3,
      successThreshold: 2,
      failureThreshold: 1,
    });
  });
});

describe('probe state', () => {
  const run = (kind: 'liveness' | 'readiness' | 'startup', results: ProbeResult[], t = { successThreshold: 1, failureThreshold: 3 }) =>
    results.reduce((s, r) => applyProbeResult(s, r, t), initialProbeState(kind)).verdict;

  it('liveness passes until failureThreshold consecutive failures', () => {
    expect(run('liveness', [])).toBe('success');
    expect(run('liveness', ['failure', 'failure'])).toBe('success');
    expect(run('liveness', ['failure', 'failure', 'failure'])).toBe('failure');
    expect(run('liveness', ['failure', 'failure', 'success', 'failure', 'failure'])).toBe('success');
  });

  it('readiness starts failing and needs successThreshold successes', () => {
    expect(run('readiness', [])).toBe('failure');
    expect(run('readiness', ['success'], { successThreshold: 2, failureThreshold: 1 })).toBe('failure');
    expect(run('readiness', ['success', 'success'], { successThreshold: 2, failureThreshold: 1 })).toBe('success');
    expect(run('readiness', ['success', 'failure'], { successThreshold: 1, failureThreshold: 1 })).toBe('failure');
  });

  it('startup starts not-started and passes on the first success', () => {
    expect(run('startup', [])).toBe('failure');
    expect(run('startup', ['failure', 'success'])).toBe('success');
  });
});

describe('probe ports and HTTP codes', () => {
  it('resolves named ports and numbers', () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    expect(resolveProbePort(80, ports)).toBe(80);
    expect(resolveProbePort('9090', ports)).toBe(9090);
    expect(resolveProbePort('http', ports)).toBe(8080);
    expect(() => resolveProbePort('grpc', ports)).toThrow('probe port "grpc" is not a named port of the container');
  });

  it('passes on 200-399', () => {
    expect([199, 200, 302, 399, 400, 500].map(httpStatusPasses)).toEqual([false, true, true, true, false, false]);
  });
});
