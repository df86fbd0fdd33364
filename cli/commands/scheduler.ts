// `skiff scheduler`: places pods on nodes, behind leader election.
//   skiff scheduler --kubeconfig F [--leader-elect=true] [--percentage-of-nodes-to-score 0]
//     [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]
import { pino } from 'pino';
import { FlagError, parseFlags, str, type ParsedFlags } from '../flags.js';
import { DurationError } from '../../api/duration.js';
import { LEADER_ELECTION_VALUE_FLAGS, leaderElectionFlags } from '../leader-election-flags.js';
import { KubeconfigError, loadKubeconfig } from '../../client/kubeconfig.js';
import { startScheduler } from '../../scheduler/start-scheduler.js';
import { untilSignal } from '../cluster/signals.js';

const USAGE =
  'usage: skiff scheduler --kubeconfig FILE [--leader-elect=true] [--percentage-of-nodes-to-score 0]\n' +
  '         [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]\n' +
  '         [--log-level info]\n';

export async function run(argv: string[]): Promise<number> {
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv, {
      values: ['kubeconfig', 'percentage-of-nodes-to-score', ...LEADER_ELECTION_VALUE_FLAGS, 'log-level'],
      booleans: ['leader-elect', 'help'],
      aliases: { h: 'help' },
    });
    if (flags.flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const pct = str(flags, 'percentage-of-nodes-to-score', '0');
    if (!/^\d+$/.test(pct) || Number(pct) > 100) throw new FlagError(`--percentage-of-nodes-to-score: want 0..100, got "${pct}"`);
    const log = pino({ name: 'scheduler', level: str(flags, 'log-level', 'info') });
    const opts = {
      ...leaderElectionFlags(flags),
      percentageOfNodesToScore: Number(pct),
      log,
    };
    const cfg = loadKubeconfig({ kubeconfig: str(flags, 'kubeconfig') }).config;
    const handle = startScheduler({ ...opts, client: { ...cfg, userAgent: 'skiff-scheduler' } });
    await untilSignal();
    await handle.stop();
    return 0;
  } catch (err) {
    if (err instanceof FlagError || err instanceof KubeconfigError || err instanceof DurationError) {
      process.stderr.write(`skiff scheduler: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
