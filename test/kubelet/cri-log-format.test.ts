import { PassThrough } from 'node:stream';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CriLogFormatter, LineSplitter, parseCriLogLine, recordsOf } from '../../kubelet/logs/cri-log-format.js';
import { streamLog } from '../../kubelet/logs/log-streamer.js';

const FILE = [
  '2026-11-24T01:00:00.000000001Z stdout F hello',
  '2026-11-24T01:00:01.000000000Z stderr P part-one ',
  '2026-11-24T01:00:01.500000000Z stderr F part-two',
  '2026-11-24T01:00:02.000000000Z stdout F ',
  '2026-11-24T01:00:03.000000000Z stdout F last line',
].join('\n') + '\n';

function render(opts: ConstructorParameters<typeof CriLogFormatter>[0], tail?: number): string {
  const f = new CriLogFormatter(opts);
  return recordsOf(FILE, tail).map((r) => f.format(r)).join('');
}

describe('CRI log format', () => {
  it('parses a record', () => {
    expect(parseCriLogLine('2026-11-24T01:00:00.5Z stdout F a b  c')).toEqual({
      time: '2026-11-24T01:00:00.5Z',
      timeMs: Date.parse('2026-11-24T01:00:00.5Z'),
      stream: 'stdout',
      partial: false,
      content: 'a b  c',
    });
    expect(parseCriLogLine('2026-11-24T01:00:00Z stderr P x')?.partial).toBe(true);
    expect(parseCriLogLine('garbage')).toBeUndefined();
    expect(parseCriLogLine('2026-11-24T01:00:00Z stdin F x')).toBeUndefined();
  });

  it('turns records back into raw text, joining partial lines', () => {
    expect(render({ timestamps: false })).toBe('hello\npart-one part-two\n\nlast line\n');
  });

  it('prefixes each line (not each partial) with its timestamp', () => {
    expect(render({ timestamps: true }).split('\n')[1]).toBe('2026-11-24T01:00:01.000000000Z part-one part-two');
  });

  it('tailLines keeps the last N records', () => {
    expect(render({ timestamps: false }, 2)).toBe('\nlast line\n');
    expect(render({ timestamps: false }, 0)).toBe('');
  });

  it('sinceMs drops older records', () => {
    expect(render({ timestamps: false, sinceMs: Date.parse('2026-11-24T01:00:02Z') })).toBe('\nlast line\n');
  });

  it('limitBytes cuts the output', () => {
    const f = new CriLogFormatter({ timestamps: false, limitBytes: 8 });
    const out = recordsOf(FILE).map((r) => f.format(r)).join('');
    expect(out).toBe('hello\npa');
    expect(f.exhausted).toBe(true);
  });

  it('splits chunks into lines across boundaries', () => {
    const s = new LineSplitter();
    expect(s.push('a\nb')).toEqual(['a']);
    expect(s.push('c\n\nd')).toEqual(['bc']);
    expect(s.push('\n')).toEqual(['d']);
  });
});

/** streamLog following PATH in a fresh temp dir that starts with FIRST; `stop()` ends the container */
function followLog(first: string, pollMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-log-'));
  const path = join(dir, '0.log');
  writeFileSync(path, first);
  let running = true;
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const done = streamLog(path, out, { timestamps: false, follow: true, stillRunning: async () => running, signal: new AbortController().signal, pollMs });
  return {
    path,
    done,
    text: () => text,
    stop: () => void (running = false),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('streamLog', () => {
  it('follows appended records until the container stops', async () => {
    const f = followLog('2026-11-24T01:00:00Z stdout F one\n2026-11-24T01:00:00Z stdout F hal', 10);
    try {
      await settle(50);
      expect(f.text()).toBe('one\n');
      appendFileSync(f.path, 'f\n2026-11-24T01:00:01Z stdout F two\n');
      await settle(50);
      expect(f.text()).toBe('one\nhalf\ntwo\n');
      f.stop();
      await f.done;
    } finally {
      f.cleanup();
    }
  });

  it('still sends the last line when the file is removed right after the container stopped', async () => {
    const f = followLog('2026-11-24T01:00:00Z stdout F started\n', 300);
    try {
      await settle(50);
      expect(f.text()).toBe('started\n');
      // between two polls: the last line, the exit, and the kubelet removing the pod's logs
      appendFileSync(f.path, '2026-11-24T01:00:01Z stdout F got-SIGTERM\n');
      f.stop();
      rmSync(f.path);
      await f.done;
      expect(f.text()).toBe('started\ngot-SIGTERM\n');
    } finally {
      f.cleanup();
    }
  });

  it('finishes a rotated file, then follows the new one', async () => {
    const f = followLog('2026-11-24T01:00:00Z stdout F one\n', 10);
    try {
      await settle(50);
      appendFileSync(f.path, '2026-11-24T01:00:01Z stdout F two\n');
      renameSync(f.path, `${f.path}.1`);
      writeFileSync(f.path, '2026-11-24T01:00:02Z stdout F three\n');
      await settle(100);
      expect(f.text()).toBe('one\ntwo\nthree\n');
      f.stop();
      await f.done;
    } finally {
      f.cleanup();
    }
  });
});
