// `skiff apiserver --data-dir DIR [--secure-port 6443] [--bind-address 0.0.0.0] [--advertise-address IP]
//   [--etcd-servers URL,URL] [--insecure-bind 127.0.0.1:PORT]`: the API server in the foreground. Without
// --etcd-servers it runs etcd itself as a managed child with its data in DIR/etcd, stopped on exit.
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';
import { FlagError, parseFlags, str } from '../flags.js';
import { startApiServer } from '../../apiserver/server.js';

const USAGE = `usage: skiff apiserver --data-dir DIR [--secure-port 6443] [--bind-address 0.0.0.0]
       [--advertise-address IP] [--tls-san NAME]... [--etcd-servers URL[,URL...]] [--insecure-bind 127.0.0.1:PORT]
`;

/**
 * Every request allocates a few kilobytes that die young (bodies, objects, gRPC frames); a larger
 * young generation lets them die there instead of being scavenged over and over (measured: about 6%
 * less apiserver CPU per create). V8 reads the limit when it grows the young generation, so setting
 * it here, before the server starts, takes effect. A --max-semi-space-size given to node wins.
 */
function tuneYoungGeneration(): void {
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return;
  if ((process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')) return;
  setFlagsFromString('--max-semi-space-size=32');
}

export async function run(argv: string[]): Promise<number> {
  tuneYoungGeneration();
  let flags;
  try {
    flags = parseFlags(argv, {
      values: ['data-dir', 'secure-port', 'bind-address', 'advertise-address', 'etcd-servers', 'insecure-bind', 'log-level'],
      booleans: ['help'],
      repeated: ['tls-san'],
      aliases: { h: 'help' },
    });
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`skiff apiserver: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (flags.flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dataDir = str(flags, 'data-dir');
  if (!dataDir) {
    process.stderr.write(`skiff apiserver: --data-dir is required\n${USAGE}`);
    return 2;
  }
  const portText = str(flags, 'secure-port', '6443');
  const securePort = Number(portText);
  if (!Number.isInteger(securePort) || securePort < 0 || securePort > 65535) {
    process.stderr.write(`skiff apiserver: --secure-port: invalid value ${JSON.stringify(portText)}: must be a port number 0-65535\n`);
    return 2;
  }
  const etcd = str(flags, 'etcd-servers');
  const sans = flags.flags['tls-san'];
  const log = pino({ name: 'apiserver', level: str(flags, 'log-level', process.env.SKIFF_LOG_LEVEL ?? 'info') });
  const server = await startApiServer({
    dataDir,
    securePort,
    bindAddress: str(flags, 'bind-address', '0.0.0.0'),
    advertiseAddress: str(flags, 'advertise-address'),
    extraSans: Array.isArray(sans) ? sans : [],
    etcdServers: etcd ? etcd.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    insecureBind: str(flags, 'insecure-bind'),
    logger: log,
  });
  await new Promise<void>((resolve) => {
    const stop = (sig: NodeJS.Signals): void => {
      log.info({ signal: sig }, 'shutting down');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
