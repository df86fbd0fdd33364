// JSON records, one file per object (`<dir>/<id>.json`), written atomically (write a temp file,
// rename) so that a crash leaves either the old or the new record, never half of one. The CRI
// service writes a record *before* each side effect (an intent), so recovery after a crash knows
// what may have been made and must be undone. `sync` writes (the first intent of an object) are
// also fsynced, so even a power loss leaves the intent behind: later progress writes need not be,
// since what they record (processes, mounts) does not outlive a power loss either.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface RecordStore<T> {
  write(id: string, record: T, opts?: { sync?: boolean }): Promise<void>;
  read(id: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  remove(id: string): Promise<void>;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class JsonRecordStore<T> implements RecordStore<T> {
  constructor(private readonly dir: string) {}

  private path(id: string): string {
    if (!ID_RE.test(id)) throw new Error(`record id ${JSON.stringify(id)} is not a valid file name`);
    return join(this.dir, `${id}.json`);
  }

  async write(id: string, record: T, opts: { sync?: boolean } = {}): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const final = this.path(id);
    const tmp = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const fh = await fs.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(record));
      if (opts.sync) await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, final);
    if (opts.sync) {
      const dh = await fs.open(this.dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    }
  }

  async read(id: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.path(id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`record ${this.path(id)}: not JSON: ${(err as Error).message}`);
    }
  }

  async list(): Promise<T[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: T[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await fs.rm(join(this.dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const rec = await this.read(name.slice(0, -'.json'.length));
      if (rec) out.push(rec);
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.path(id), { force: true });
  }
}
