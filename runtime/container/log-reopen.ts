// ReopenContainerLog: the container's monitor (the native helper in `monitor` mode, parent of the
// container's init) reopens its CRI log file on SIGUSR1, e.g. after the kubelet rotated it.
import { promises as fs } from 'node:fs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pure: the PPid field of /proc/<pid>/status. */
export function parentPid(statusText: string): number | undefined {
  const m = /^PPid:\s*(\d+)$/m.exec(statusText);
  return m ? Number(m[1]) : undefined;
}

export async function reopenContainerLog(initPid: number, logPath: string): Promise<void> {
  const ppid = parentPid(await fs.readFile(`/proc/${initPid}/status`, 'utf8'));
  if (!ppid) throw new Error(`no parent process for container init ${initPid}`);
  // the monitor is the native helper (started as `skiff-native monitor`, or forked by its zygote)
  const argv0 = (await fs.readFile(`/proc/${ppid}/cmdline`, 'utf8')).split('\0')[0] ?? '';
  if (!/(^|\/)skiff-native$/.test(argv0)) throw new Error(`the parent of container init ${initPid} (pid ${ppid}, ${JSON.stringify(argv0)}) is not its monitor`);
  process.kill(ppid, 'SIGUSR1');
  // The monitor reads its signalfd in a loop that only leaves on SIGCHLD; a (harmless) SIGCHLD
  // right after makes it go back to pumping output instead of waiting for the next signal.
  process.kill(ppid, 'SIGCHLD');
  for (let i = 0; i < 200; i++) {
    try {
      await fs.access(logPath);
      return;
    } catch {
      await sleep(5);
    }
  }
  throw new Error(`the monitor did not reopen ${logPath}`);
}
