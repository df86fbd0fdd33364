// `skiffctl exec POD|pod/NAME [-c C] [-i] -- CMD [ARGS...]`: runs CMD in the container and exits
// with its exit code, printing its stdout and stderr; -i forwards stdin (its end closes the
// command's stdin). The container defaults as in kubectl: the default-container annotation, else
// the first container.
import { findByResource } from '../../api/resources.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { runExecStream } from './exec-stream.js';

export const flags: FlagSpec = {
  values: ['container'],
  booleans: ['stdin', 'tty', 'quiet'],
  aliases: { c: 'container', i: 'stdin', t: 'tty', q: 'quiet' },
};

type PodObject = Pod & KubeObject;
const podsInfo = findByResource('', 'pods')!;

/** the pods/exec path and query (pure) */
export function execPath(ns: string, pod: string, container: string, cmd: string[], stdin: boolean): string {
  const q = new URLSearchParams();
  for (const c of cmd) q.append('command', c);
  q.set('container', container);
  if (stdin) q.set('stdin', 'true');
  q.set('stdout', 'true');
  q.set('stderr', 'true');
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
  if (ctx.bool('tty')) ctx.err('Unable to use a TTY: skiffctl exec has no terminal support; running without one\n');
  const stdin = ctx.bool('stdin');
  const r = await runExecStream({ config: ctx.client.config, path: execPath(ns, name, container, cmd, stdin), stdin: stdin ? ctx.io.stdin : undefined, stdout: ctx.io.stdout, stderr: ctx.io.stderr });
  if (r.error) {
    ctx.err(`error: ${r.error}\n`);
    return r.exitCode;
  }
  if (r.exitCode !== 0 && !ctx.bool('quiet')) ctx.err(`command terminated with exit code ${r.exitCode}\n`);
  return r.exitCode;
}
