// `skiff controller-manager`: the deployment, replicaset, garbage-collector, node-lifecycle and
// pod-gc controllers, behind leader election.
//   skiff controller-manager --kubeconfig F [--leader-elect=true] [--node-monitor-grace-period 50s]
//     [--node-monitor-period 5s] [--pod-eviction-timeout DURATION] [--cluster-cidr 10.244.0.0/16]
//     [--node-cidr-mask-size 24] [--allocate-node-cidrs=true] [--terminated-pod-gc-threshold 12500]
//     [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]
import { pino } from 'pino';
import { FlagError, parseFlags, str, type ParsedFlags } from '../flags.js';
import { DurationError } from '../../api/duration.js';
import { durationFlag, LEADER_ELECTION_VALUE_FLAGS, leaderElectionFlags } from '../leader-election-flags.js';
import { KubeconfigError, loadKubeconfig } from '../../client/kubeconfig.js';
import { startControllerManager, DEFAULTS } from '../../controller/controller-manager.js';
import { CidrError } from '../../controller/node/cidr-allocator.js';
import { untilSignal } from '../cluster/signals.js';

const USAGE =
  'usage: skiff controller-manager --kubeconfig FILE [--leader-elect=true] [--node-monitor-grace-period 50s]\n' +
  '         [--node-monitor-period 5s] [--pod-eviction-timeout DURATION] [--cluster-cidr 10.244.0.0/16]\n' +
  '         [--node-cidr-mask-size 24] [--allocate-node-cidrs=true] [--terminated-pod-gc-threshold 12500]\n' +
  '         [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]\n' +
  '         [--log-level info]\n';

function integer(p: ParsedFlags, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new FlagError(`--${name}: not a non-negative integer: "${v}"`);
  return Number(v);
}

/** true unless the flag says false; a boolean flag given bare is true */
function boolDefaultTrue(p: ParsedFlags, name: string): boolean {
  return p.flags[name] !== false;
}

export async function run(argv: string[]): Promise<number> {
  let flags: ParsedFlags;
  try {
    flags = parseFlags(argv, {
      values: [
        'kubeconfig', 'node-monitor-grace-period', 'node-monitor-period', 'pod-eviction-timeout', 'cluster-cidr',
        'node-cidr-mask-size', 'terminated-pod-gc-threshold', ...LEADER_ELECTION_VALUE_FLAGS, 'log-level',
      ],
      booleans: ['leader-elect', 'allocate-node-cidrs', 'help'],
      aliases: { h: 'help' },
    });
    if (flags.flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const log = pino({ name: 'controller-manager', level: str(flags, 'log-level', 'info') });
    const opts = {
      ...leaderElectionFlags(flags),
      nodeMonitorGracePeriodMs: durationFlag(flags, 'node-monitor-grace-period'),
      nodeMonitorPeriodMs: durationFlag(flags, 'node-monitor-period'),
      podEvictionTimeoutMs: durationFlag(flags, 'pod-eviction-timeout'),
      clusterCidr: boolDefaultTrue(flags, 'allocate-node-cidrs') ? str(flags, 'cluster-cidr', DEFAULTS.clusterCidr) : '',
      nodeCidrMaskSize: integer(flags, 'node-cidr-mask-size'),
      terminatedPodGcThreshold: integer(flags, 'terminated-pod-gc-threshold'),
      log,
    };
    const cfg = loadKubeconfig({ kubeconfig: str(flags, 'kubeconfig') }).config;
    const handle = startControllerManager({ ...opts, client: { ...cfg, userAgent: 'skiff-controller-manager' } });
    await untilSignal();
    await handle.stop();
    return 0;
  } catch (err) {
    if (err instanceof FlagError || err instanceof KubeconfigError || err instanceof DurationError || err instanceof CidrError) {
      process.stderr.write(`skiff controller-manager: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
