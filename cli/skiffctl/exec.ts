// `skiffctl exec POD|pod/NAME [-c C] [-i] [-t] -- CMD [ARGS...]`: runs CMD in the container and
// exits with its exit code, printing its stdout and stderr; -i forwards stdin (its end closes the
// command's stdin); -t (with a local terminal) runs it on a terminal in the container, raw mode here. The container defaults as in kubectl: the default-container annotation, else
// the first container.
import { findByResource } from '../../api/resources.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import type { Readable } from 'node:stream';
import { runExecStream, type TerminalSize } from './exec-stream.js';

function processTerminal(): TerminalSize {
  return {
    size: () => ({ width: process.stdout.columns || 80, height: process.stdout.rows || 24 }),
    onResize: (fn) => {
      process.stdout.on('resize', fn);
      return () => process.stdout.off('resize', fn);
    },
  };
}

export const flags: FlagSpec = {
  values: ['container'],
  // `it`/`ti`: the bundled -it that everybody types
  booleans: ['stdin', 'tty', 'quiet', 'it', 'ti'],
  aliases: { c: 'container', i: 'stdin', t: 'tty', q: 'quiet' },
};

type PodObject = Pod & KubeObject;
const podsInfo = findByResource('', 'pods')!;

/** the pods/exec path and query (pure) */
export function execPath(ns: string, pod: string, container: string, cmd: string[], stdin: boolean, tty = false): string {
  const q = new URLSearchParams();
  for (const c of cmd) q.append('command', c);
  q.set('container', container);
  if (stdin) q.set('stdin', 'true');
  q.set('stdout', 'true');
  if (tty) q.set('tty', 'true');
  else q.set('stderr', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/exec?${q.toString()}`;
}

export async function run(ctx: CommandContext): Promise<number> {
  const [target, ...extra] = ctx.positionals;
  const cmd = [...extra, ...ctx.flags.rest];
  if (!target) throw new Error('exec requires a POD: skiffctl exec POD [-c CONTAINER] -- COMMAND [args...]');
  if (cmd.length === 0) throw new Error('you must specify at least one command for the container');
  const name = target.startsWith('pod/') || target.startsWith('pods/') ? target.slice(target.indexOf('/') + 1) : target;
  if (name.includes('/')) throw new Error(`exec: ${JSON.stringify(target)}: only pods can be exec'd into (POD or pod/NAME)`);
  const ns = ctx.namespace;
  const pod = await ctx.client.resource<PodObject>(podsInfo).get(ns, name);
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const container = ctx.str('container') ?? pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? containers[0];
  if (!container) throw new Error(`pod ${name} has no containers`);
  const both = ctx.bool('it') || ctx.bool('ti');
  const stdin = ctx.bool('stdin') || both;
  let tty = ctx.bool('tty') || both;
  const input = ctx.io.stdin as Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  if (tty && !(input.isTTY && input.setRawMode)) {
    ctx.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const terminal = tty ? processTerminal() : undefined;
  if (tty) input.setRawMode!(true);
  let r;
  try {
    r = await runExecStream({ config: ctx.client.config, path: execPath(ns, name, container, cmd, stdin, tty), stdin: stdin ? input : undefined, stdout: ctx.io.stdout, stderr: ctx.io.stderr, terminal });
  } finally {
    if (tty) input.setRawMode!(false);
  }
  if (r.error) {
    ctx.err(`error: ${r.error}\n`);
    return r.exitCode;
  }
  if (r.exitCode !== 0 && !ctx.bool('quiet')) ctx.err(`command terminated with exit code ${r.exitCode}\n`);
  return r.exitCode;
}
