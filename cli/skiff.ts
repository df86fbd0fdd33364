// `skiff`: runs one component per subcommand. Each subcommand lives in cli/commands/<name>.ts and
// exports `run(argv): Promise<number | void>`; modules load lazily so `skiff oci ...` never pays
// for the apiserver's imports.
const commands: Record<string, { module: string; summary: string }> = {
  up: { module: './commands/up.js', summary: 'the whole single-node cluster in the foreground' },
  down: { module: './commands/down.js', summary: 'stops the `skiff up` running on a data dir' },
  server: { module: './commands/server.js', summary: 'the control plane (etcd, apiserver, scheduler, controller-manager)' },
  agent: { module: './commands/agent.js', summary: 'a node joining a server (runtime + kubelet)' },
  token: { module: './commands/token.js', summary: 'join tokens: `skiff token create`' },
  apiserver: { module: './commands/apiserver.js', summary: 'the API server (and a managed etcd)' },
  scheduler: { module: './commands/scheduler.js', summary: 'the scheduler' },
  'controller-manager': { module: './commands/controller-manager.js', summary: 'the controllers' },
  runtime: { module: './commands/runtime.js', summary: 'the CRI service' },
  kubelet: { module: './commands/kubelet.js', summary: 'the node agent' },
  oci: { module: './commands/oci.js', summary: 'the OCI executor, runc-style verbs' },
  image: { module: './commands/image.js', summary: 'the runtime image store: pull, ls, rm, import' },
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(20)}${c.summary}`);
  return `usage: skiff COMMAND [flags]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`skiff: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = (await import(entry.module)) as { run: (argv: string[]) => Promise<number | void> };
  return (await mod.run(rest)) ?? 0;
}
