// Where a skiffctl command reads and writes: the process's streams, or buffers in tests.
import type { Readable } from 'node:stream';

export interface Output {
  write(s: string): unknown;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: Readable;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}
