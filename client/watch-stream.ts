// Parses a Kubernetes watch stream: newline-delimited JSON `{type, object}` events, with chunk
// boundaries anywhere (inside a line or inside a multi-byte UTF-8 character).
import { StringDecoder } from 'node:string_decoder';
import type { WatchEvent } from '../api/types/meta.js';

export class WatchParseError extends Error {}

export class WatchLineParser<T = unknown> {
  private readonly decoder = new StringDecoder('utf8');
  private buffered = '';

  /** Feeds a chunk; returns the complete events it finished. */
  push(chunk: Buffer | string): WatchEvent<T>[] {
    this.buffered += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const events: WatchEvent<T>[] = [];
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const ev = parseLine<T>(line);
      if (ev) events.push(ev);
    }
    return events;
  }

  /** Ends the stream; a last line without a newline still counts. */
  end(): WatchEvent<T>[] {
    this.buffered += this.decoder.end();
    const rest = this.buffered;
    this.buffered = '';
    const ev = parseLine<T>(rest);
    return ev ? [ev] : [];
  }
}

function parseLine<T>(line: string): WatchEvent<T> | undefined {
  const text = line.trim();
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WatchParseError(`watch stream: invalid JSON line ${JSON.stringify(text.slice(0, 200))}: ${(e as Error).message}`);
  }
  const ev = v as { type?: unknown; object?: unknown };
  if (typeof ev !== 'object' || ev === null || typeof ev.type !== 'string' || typeof ev.object !== 'object') {
    throw new WatchParseError(`watch stream: event without type/object: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (!['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'].includes(ev.type)) {
    throw new WatchParseError(`watch stream: unknown event type ${JSON.stringify(ev.type)}`);
  }
  return v as WatchEvent<T>;
}
