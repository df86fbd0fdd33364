// `skiff runtime`: the CRI service on a unix socket.
//   skiff runtime [--root DIR] [--socket PATH] [--cni-conf-dir D] [--cni-bin-dir D] [--pod-cidr CIDR | --await-pod-cidr]
//                 [--bridge NAME] [--image-root DIR] [--executor-root DIR] [--log-level LEVEL]
import { pino } from 'pino';
import { FlagError, parseFlags, str } from '../flags.js';
import { parseCidr } from '../../runtime/network/cni-config.js';
import { startRuntimeService } from '../../runtime/cri/real-parts.js';

export const RUNTIME_DEFAULTS = {
  root: '/var/lib/skiff/runtime',
  socket: '/run/skiff/runtime.sock',
  cniConfDir: '/etc/cni/net.d',
  cniBinDir: '/usr/lib/cni',
  podCidr: '10.88.0.0/16',
};

export async function run(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv, { values: ['root', 'socket', 'cni-conf-dir', 'cni-bin-dir', 'pod-cidr', 'bridge', 'image-root', 'log-level', 'executor-root'], booleans: ['help', 'await-pod-cidr'], aliases: { h: 'help' } });
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`skiff runtime: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (flags.flags.help) {
    process.stdout.write(
      'usage: skiff runtime [--root DIR] [--socket PATH] [--cni-conf-dir DIR] [--cni-bin-dir DIR[:DIR]]\n' +
        '                     [--pod-cidr CIDR | --await-pod-cidr] [--bridge NAME] [--image-root DIR]\n' +
        '                     [--executor-root DIR] [--log-level LEVEL]\n' +
        '  the default conflist (written when the conf dir has none) uses --bridge (default skiff0) and --pod-cidr\n' +
        '  (default 10.88.0.0/16); with --await-pod-cidr it is written when the kubelet hands over the node\'s\n' +
        '  pod CIDR (UpdateRuntimeConfig), and NetworkReady stays false until then\n',
    );
    return 0;
  }
  const awaitPodCidr = flags.flags['await-pod-cidr'] === true;
  if (awaitPodCidr && str(flags, 'pod-cidr') !== undefined) {
    process.stderr.write('skiff runtime: --pod-cidr and --await-pod-cidr exclude each other\n');
    return 2;
  }
  const podCidr = awaitPodCidr ? undefined : str(flags, 'pod-cidr', RUNTIME_DEFAULTS.podCidr);
  try {
    if (podCidr !== undefined) parseCidr(podCidr, '--pod-cidr');
  } catch (err) {
    process.stderr.write(`skiff runtime: ${(err as Error).message}\n`);
    return 2;
  }
  const bridge = str(flags, 'bridge');
  if (bridge !== undefined && !/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) {
    process.stderr.write(`skiff runtime: --bridge: ${JSON.stringify(bridge)} is not an interface name (1-15 of A-Z a-z 0-9 _ . -)\n`);
    return 2;
  }
  const root = str(flags, 'root', RUNTIME_DEFAULTS.root);
  const log = pino({ name: 'skiff-runtime', level: str(flags, 'log-level', 'info') });
  const svc = await startRuntimeService({
    root,
    socket: str(flags, 'socket', RUNTIME_DEFAULTS.socket),
    cniConfDir: str(flags, 'cni-conf-dir', RUNTIME_DEFAULTS.cniConfDir),
    cniBinDirs: str(flags, 'cni-bin-dir', RUNTIME_DEFAULTS.cniBinDir).split(':'),
    podCidr,
    bridge,
    imageRoot: str(flags, 'image-root'),
    executorRoot: str(flags, 'executor-root'),
    log,
  });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log.info({ signal: sig }, 'stopping the CRI service; containers keep running');
      void svc.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
