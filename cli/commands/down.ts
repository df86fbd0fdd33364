// `skiff down [--data-dir DIR]`: stops the `skiff up` running on DIR (as Ctrl-C would) and waits
// until it has cleaned up.
import { join } from 'node:path';
import { parseCommandFlags, str } from '../flags.js';
import { DEFAULT_DATA_DIR } from '../cluster/layout.js';
import { runningPid } from '../cluster/pid-file.js';
import { waitFor } from '../cluster/readiness.js';

export async function run(argv: string[]): Promise<number> {
  const flags = parseCommandFlags('skiff down', argv, { values: ['data-dir'] }, 'usage: skiff down [--data-dir DIR]\n');
  if (typeof flags === 'number') return flags;
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
