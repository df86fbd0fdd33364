// Container lifecycle hooks: postStart right after the container starts (a failure kills it, as in
// Kubernetes), preStop before the stop signal, its time taken out of the grace period. Handlers
// (exec, httpGet, tcpSocket) run like probes.
import type { Container } from '../../api/types/core.js';
import type { Prober, ProbeTarget } from './prober.js';

export const POST_START_TIMEOUT_SECONDS = 30;
/** Kubernetes leaves at least this much of the grace period for the stop signal after preStop */
export const MIN_GRACE_AFTER_PRESTOP_SECONDS = 2;

export class LifecycleHooks {
  constructor(
    private readonly prober: Prober,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined when there is no hook or it succeeded; else why it failed */
  async postStart(c: Container, target: ProbeTarget): Promise<string | undefined> {
    const h = c.lifecycle?.postStart;
    if (!h) return undefined;
    const r = await this.prober.run(h, target, POST_START_TIMEOUT_SECONDS);
    return r.result === 'success' ? undefined : r.message || 'postStart hook failed';
  }

  /** runs the preStop hook (if any) and returns the grace period left for StopContainer */
  async preStop(c: Container | undefined, target: ProbeTarget, gracePeriodSeconds: number): Promise<{ graceLeft: number; error?: string }> {
    const h = c?.lifecycle?.preStop;
    if (!h || gracePeriodSeconds <= 0) return { graceLeft: gracePeriodSeconds };
    const started = this.now();
    const r = await this.prober.run(h, target, Math.max(1, gracePeriodSeconds));
    const spent = Math.ceil((this.now() - started) / 1000);
    return {
      graceLeft: Math.max(MIN_GRACE_AFTER_PRESTOP_SECONDS, gracePeriodSeconds - spent),
      ...(r.result === 'success' ? {} : { error: r.message || 'preStop hook failed' }),
    };
  }
}
