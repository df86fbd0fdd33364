// `skiff oci create|start|run|state|kill|delete|exec`: the executor with runc's verbs.
//   skiff oci run --bundle DIR [--root DIR] ID        waits; exits with the container's status
//   skiff oci create --bundle DIR [--root DIR] [--pid-file F] ID
//   skiff oci start|state ID, skiff oci kill ID [SIGNAL], skiff oci delete [--force] ID
//   skiff oci exec [--env K=V]... [--cwd DIR] ID CMD [ARG...]
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { FlagError, bool, parseFlags, str } from '../flags.js';
import { ExecutorError } from '../../runtime/executor/executor-error.js';
import type { ContainerState } from '../../runtime/executor/executor.js';
import { createExecutor, type NativeExecutor } from '../../runtime/executor/native-executor.js';

const usage = `usage: skiff oci COMMAND [flags] ID
  create --bundle DIR [--pid-file F] ID   set the container up; it waits for start
  start ID                                 run the created container's process
  run --bundle DIR ID                      create, start, wait, delete; exit with its status
  state ID                                 print the state as JSON
  kill ID [SIGNAL]                         send a signal (default SIGTERM)
  delete [--force] ID                      remove a stopped (or, forced, any) container
  exec [--env K=V]... [--cwd DIR] ID CMD [ARG...]
global: --root DIR (default /run/skiff/oci)
`;

/** runc's state JSON */
export function runcState(s: ContainerState): Record<string, unknown> {
  return { ociVersion: '1.0.2', id: s.id, pid: s.pid, status: s.status, bundle: s.bundle, rootfs: '', created: s.createdAt, owner: '' };
}

export function parseSignal(raw: string | undefined): NodeJS.Signals | number {
  if (!raw) return 'SIGTERM';
  if (/^\d+$/.test(raw)) return Number(raw);
  const name = (raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`) as NodeJS.Signals;
  if (!(name in constants.signals)) throw new FlagError(`unknown signal "${raw}"`);
  return name;
}

async function runContainer(ex: NativeExecutor, id: string, bundle: string): Promise<number> {
  await ex.create(id, bundle, { stdio: 'inherit' });
  const forward = (sig: NodeJS.Signals) => void ex.kill(id, sig).catch(() => undefined);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  try {
    await ex.start(id);
    const st = await ex.wait(id);
    return st.exitCode ?? 255;
  } finally {
    for (const s of signals) process.off(s, forward);
    await ex.delete(id, { force: true });
  }
}

export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '-h' || verb === '--help') {
    process.stdout.write(usage);
    return verb ? 0 : 2;
  }
  try {
    // exec's command follows the id: flags only before it
    const firstPositional = verb === 'exec' ? rest.findIndex((a, i) => !a.startsWith('-') && !['--env', '--cwd', '--root'].includes(rest[i - 1] ?? '')) : -1;
    const flagPart = firstPositional >= 0 ? rest.slice(0, firstPositional + 1) : rest;
    const p = parseFlags(flagPart, { values: ['bundle', 'root', 'pid-file', 'cwd'], booleans: ['force', 'detach'], repeated: ['env'], aliases: { b: 'bundle', f: 'force', e: 'env', d: 'detach' } });
    const id = p.positionals[0];
    if (!id) throw new FlagError(`${verb}: missing container ID`);
    const ex = createExecutor({ root: str(p, 'root', '/run/skiff/oci') });
    const bundle = resolve(str(p, 'bundle', '.'));
    switch (verb) {
      case 'create': {
        const s = await ex.create(id, bundle, { stdio: 'inherit' });
        const pidFile = str(p, 'pid-file');
        if (pidFile) writeFileSync(pidFile, String(s.pid));
        return 0;
      }
      case 'start':
        await ex.start(id);
        return 0;
      case 'run':
        if (bool(p, 'detach')) {
          await ex.create(id, bundle, { stdio: 'null' });
          await ex.start(id);
          return 0;
        }
        return await runContainer(ex, id, bundle);
      case 'state':
        process.stdout.write(`${JSON.stringify(runcState(await ex.state(id)), null, 2)}\n`);
        return 0;
      case 'kill':
        await ex.kill(id, parseSignal(p.positionals[1]));
        return 0;
      case 'delete':
        await ex.delete(id, { force: bool(p, 'force') });
        return 0;
      case 'exec': {
        const args = firstPositional >= 0 ? rest.slice(firstPositional + 1) : [];
        if (args[0] === '--') args.shift();
        if (args.length === 0) throw new FlagError('exec: missing command');
        const envFlag = p.flags.env;
        const r = await ex.exec(id, { args, env: Array.isArray(envFlag) ? envFlag : undefined, cwd: str(p, 'cwd') });
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        return r.exitCode;
      }
      default:
        throw new FlagError(`unknown command "${verb}"`);
    }
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`skiff oci: ${e.message}\n\n${usage}`);
      return 2;
    }
    if (e instanceof ExecutorError) {
      process.stderr.write(`skiff oci ${verb}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
