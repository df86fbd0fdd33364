// Node pressure signals (memory, disk, PIDs) measured from the host, and the pure thresholds that
// turn them into the MemoryPressure / DiskPressure / PIDPressure conditions.
import { readdirSync, readFileSync, statfsSync } from 'node:fs';

export interface PressureSignals {
  memoryAvailableBytes: number;
  diskAvailableRatio: number;
  pidsInUse: number;
  pidMax: number;
}

export const MEMORY_AVAILABLE_MIN_BYTES = 100 * 1024 * 1024;
export const DISK_AVAILABLE_MIN_RATIO = 0.1;
export const PID_USE_MAX_RATIO = 0.9;

export interface Pressures {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

export function pressuresFrom(s: PressureSignals): Pressures {
  return {
    memory: s.memoryAvailableBytes < MEMORY_AVAILABLE_MIN_BYTES,
    disk: s.diskAvailableRatio < DISK_AVAILABLE_MIN_RATIO,
    pid: s.pidMax > 0 && s.pidsInUse / s.pidMax > PID_USE_MAX_RATIO,
  };
}

export function memAvailableFrom(meminfo: string): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : Number.MAX_SAFE_INTEGER;
}

export function readPressureSignals(rootDir: string): PressureSignals {
  let diskAvailableRatio = 1;
  try {
    const st = statfsSync(rootDir);
    diskAvailableRatio = st.blocks > 0 ? st.bavail / st.blocks : 1;
  } catch {
    // root dir not there yet: no signal
  }
  let pidsInUse = 0;
  try {
    pidsInUse = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  } catch {
    // no /proc: no signal
  }
  let meminfo = '';
  try {
    meminfo = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    // no signal
  }
  let pidMax = 0;
  try {
    pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
  } catch {
    // no signal
  }
  return { memoryAvailableBytes: memAvailableFrom(meminfo), diskAvailableRatio, pidsInUse, pidMax };
}
