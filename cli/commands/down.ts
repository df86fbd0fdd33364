// `skiff down [--data-dir DIR]`: stops the `skiff up` running on DIR (as Ctrl-C would) and waits
// until it has cleaned up.
import { join } from 'node:path';
import { FlagError, parseFlags, str } from '../flags.js';
import { DEFAULT_DATA_DIR } from '../cluster/layout.js';
import { runningPid } from '../cluster/pid-file.js';
import { waitFor } from '../cluster/readiness.js';

export async function run(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv, { values: ['data-dir'], booleans: ['help'], aliases: { h: 'help' } });
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`skiff down: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (flags.flags.help) {
    process.stdout.write('usage: skiff down [--data-dir DIR]\n');
    return 0;
  }
  const dataDir = str(flags, 'data-dir', DEFAULT_DATA_DIR);
  const pidFile = join(dataDir, 'up.pid');
  const pid = runningPid(pidFile);
  if (!pid) {
    process.stdout.write(`skiff down: no skiff up is running on ${dataDir}\n`);
    return 0;
  }
  process.kill(pid, 'SIGTERM');
  process.stdout.write(`skiff down: stopping skiff up (pid ${pid}) and its pods...\n`);
  await waitFor(`skiff up (pid ${pid}) to stop`, async () => runningPid(pidFile) === undefined, 120_000);
  process.stdout.write('skiff down: stopped\n');
  return 0;
}
