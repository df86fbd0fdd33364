// One cluster process per data dir: `<data-dir>/<name>.pid` holds the pid of the running one.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** the pid recorded in the file if that process still runs */
export function runningPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

export function claimPidFile(file: string): () => void {
  const other = runningPid(file);
  if (other) throw new Error(`another skiff is already running on this data dir (pid ${other}, ${file})`);
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}
