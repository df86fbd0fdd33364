// The flags every leader-elected component takes, as kube-scheduler and kube-controller-manager do:
// `--leader-elect` (default true) and the three lease timings.
import { parseDuration } from '../api/duration.js';
import { str, type ParsedFlags } from './flags.js';

export const LEADER_ELECTION_VALUE_FLAGS = ['leader-elect-lease-duration', 'leader-elect-renew-deadline', 'leader-elect-retry-period'];

/** a duration flag (`1m30s`) in milliseconds; undefined when absent; throws DurationError naming the flag */
export function durationFlag(p: ParsedFlags, name: string): number | undefined {
  const v = str(p, name);
  return v === undefined ? undefined : parseDuration(v, `--${name}`);
}

export function leaderElectionFlags(p: ParsedFlags): { leaderElect: boolean; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number } {
  return {
    leaderElect: p.flags['leader-elect'] !== false,
    leaseDurationMs: durationFlag(p, 'leader-elect-lease-duration'),
    renewDeadlineMs: durationFlag(p, 'leader-elect-renew-deadline'),
    retryPeriodMs: durationFlag(p, 'leader-elect-retry-period'),
  };
}
