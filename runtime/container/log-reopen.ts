// ReopenContainerLog: the executor asks the container's monitor to reopen its CRI log file (e.g.
// after the kubelet rotated it); the monitor does so asynchronously, so wait until the file exists.
import { promises as fs } from 'node:fs';
import type { Executor } from '../executor/executor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function reopenContainerLog(executor: Executor, id: string, logPath: string): Promise<void> {
  await executor.reopenLog(id);
  for (let i = 0; i < 200; i++) {
    try {
      await fs.access(logPath);
      return;
    } catch {
      await sleep(5);
    }
  }
  throw new Error(`the monitor of container ${id} did not reopen ${logPath}`);
}
