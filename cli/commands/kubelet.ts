// `skiff kubelet`: the node agent.
//   skiff kubelet --kubeconfig F --runtime-endpoint unix:///run/skiff/runtime.sock --node-name N
//                 --root-dir DIR [--node-ip IP] [--port 10250] [--address 0.0.0.0]
//                 [--node-labels k=v,k2=v2] [--cgroup-root PATH] [--log-level LEVEL]
import os from 'node:os';
import { pino } from 'pino';
import { FlagError, parseFlags, str } from '../flags.js';
import { startKubelet } from '../../kubelet/kubelet.js';

export const KUBELET_DEFAULTS = {
  runtimeEndpoint: 'unix:///run/skiff/runtime.sock',
  rootDir: '/var/lib/skiff/kubelet',
  port: 10250,
};

const USAGE =
  'usage: skiff kubelet --kubeconfig FILE [--runtime-endpoint unix:///run/skiff/runtime.sock] [--node-name NAME]\n' +
  '                     [--root-dir /var/lib/skiff/kubelet] [--node-ip IP] [--port 10250] [--address 0.0.0.0]\n' +
  '                     [--node-labels k=v,...] [--cgroup-root PATH] [--route-pod-cidrs] [--log-level info]\n';

/** `a=b,c=d` → { a: 'b', c: 'd' }; an entry without `=` is an error naming it */
export function parseNodeLabels(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? '').split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`--node-labels: "${part}" is not key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let flags;
  let port: number;
  let labels: Record<string, string>;
  try {
    flags = parseFlags(argv, {
      values: ['kubeconfig', 'runtime-endpoint', 'node-name', 'root-dir', 'node-ip', 'port', 'address', 'node-labels', 'log-level', 'cgroup-root'],
      booleans: ['help', 'route-pod-cidrs'],
      aliases: { h: 'help' },
    });
    if (flags.flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!str(flags, 'kubeconfig')) throw new FlagError('--kubeconfig is required');
    port = Number(str(flags, 'port', String(KUBELET_DEFAULTS.port)));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`--port: not a port number: "${str(flags, 'port')}"`);
    labels = parseNodeLabels(str(flags, 'node-labels'));
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`skiff kubelet: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  const log = pino({ name: 'kubelet', level: str(flags, 'log-level', 'info') });
  const kubelet = await startKubelet({
    kubeconfig: str(flags, 'kubeconfig'),
    runtimeEndpoint: str(flags, 'runtime-endpoint', KUBELET_DEFAULTS.runtimeEndpoint),
    nodeName: str(flags, 'node-name', os.hostname().toLowerCase()),
    rootDir: str(flags, 'root-dir', KUBELET_DEFAULTS.rootDir),
    nodeIP: str(flags, 'node-ip'),
    port,
    address: str(flags, 'address'),
    nodeLabels: labels,
    cgroupRoot: str(flags, 'cgroup-root'),
    routePodCidrs: flags.flags['route-pod-cidrs'] === true,
    log,
  });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log.info({ signal: sig }, 'stopping the kubelet; containers keep running');
      void kubelet.stop().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
