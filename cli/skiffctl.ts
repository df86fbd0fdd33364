// `skiffctl`: the kubectl-like client. Each subcommand lives in cli/skiffctl/<name>.ts and exports
// `run(ctx)`; modules load lazily. Global flags (--kubeconfig, --context, -n, -A) may appear
// before or after the subcommand.
import { FlagError } from './flags.js';
import { CommandContext, globalFlagSpec } from './skiffctl/command-context.js';
import { formatError } from './skiffctl/error-format.js';
import { processIo, type Io } from './skiffctl/io.js';
import type { SkiffctlCommand } from './skiffctl/command.js';

const commands: Record<string, { module: string; summary: string }> = {
  apply: { module: './skiffctl/apply.js', summary: 'Apply a configuration to a resource by file name or stdin' },
  create: { module: './skiffctl/create.js', summary: 'Create a resource from a file or from stdin' },
  get: { module: './skiffctl/get.js', summary: 'Display one or many resources' },
  describe: { module: './skiffctl/describe.js', summary: 'Show details of a specific resource or group of resources' },
  delete: { module: './skiffctl/delete.js', summary: 'Delete resources by file names, stdin, resources and names, or by label selector' },
  scale: { module: './skiffctl/scale.js', summary: 'Set a new size for a deployment or replica set' },
  label: { module: './skiffctl/label.js', summary: 'Update the labels on a resource' },
  annotate: { module: './skiffctl/annotate.js', summary: 'Update the annotations on a resource' },
  patch: { module: './skiffctl/patch.js', summary: 'Update fields of a resource (strategic, merge or JSON patch)' },
  logs: { module: './skiffctl/logs.js', summary: 'Print the logs for a container in a pod' },
  exec: { module: './skiffctl/exec.js', summary: 'Execute a command in a container' },
  rollout: { module: './skiffctl/rollout.js', summary: 'Manage the rollout of a resource: status, history, undo, restart' },
  cordon: { module: './skiffctl/cordon.js', summary: 'Mark node as unschedulable' },
  uncordon: { module: './skiffctl/uncordon.js', summary: 'Mark node as schedulable' },
  drain: { module: './skiffctl/drain.js', summary: 'Drain node in preparation for maintenance' },
  top: { module: './skiffctl/top.js', summary: 'Display resource (CPU/memory) usage of pods or nodes' },
  'cluster-info': { module: './skiffctl/cluster-info.js', summary: 'Display cluster information' },
  version: { module: './skiffctl/version.js', summary: 'Print the client and server version information' },
  config: { module: './skiffctl/config.js', summary: 'Modify kubeconfig files: view, use-context, current-context, get-contexts' },
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(15)}${c.summary}`);
  return `skiffctl controls a Skiff (or Kubernetes) cluster.\n\nUsage: skiffctl COMMAND [flags]\n\nCommands:\n${lines.join('\n')}\n\nGlobal flags: --kubeconfig FILE, --context NAME, -n/--namespace NS, -A/--all-namespaces\n`;
}

/** Splits argv into the subcommand and the rest (global flags may come first). */
export function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  const valueFlags = new Set([...globalFlagSpec.values, ...Object.keys(globalFlagSpec.aliases).filter((a) => globalFlagSpec.values.includes(globalFlagSpec.aliases[a]))]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('-') && a !== '-') {
      const name = a.replace(/^--?/, '');
      if (!name.includes('=') && valueFlags.has(name)) i++;
      continue;
    }
    return { name: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: argv };
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const { name, rest } = splitCommand(argv);
  if (!name || name === 'help' || argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(usage());
    return name || argv.length ? 0 : 1;
  }
  const entry = commands[name];
  if (!entry) {
    io.stderr.write(`error: unknown command "${name}" for "skiffctl"\n`);
    return 1;
  }
  const mod = (await import(entry.module)) as SkiffctlCommand;
  let ctx: CommandContext | undefined;
  try {
    ctx = CommandContext.parse(rest, mod.flags, io, name);
    return await mod.run(ctx);
  } catch (e) {
    io.stderr.write(`${e instanceof FlagError ? `error: ${e.message}` : formatError(e)}\n`);
    return 1;
  } finally {
    ctx?.close();
  }
}
