// `skiffctl cluster-info`: where the control plane runs, plus cluster services (label
// kubernetes.io/cluster-service=true in kube-system) as kubectl lists them.
import { findByResource } from '../../api/resources.js';
import type { Service } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';

export const flags: FlagSpec = {};

export async function run(ctx: CommandContext): Promise<number> {
  const server = ctx.client.config.server;
  const services = await ctx.client
    .resource<Service & KubeObject>(findByResource('', 'services')!)
    .list('kube-system', { labelSelector: 'kubernetes.io/cluster-service=true' });
  // colours only on a terminal, as kubectl does
  const tty = (ctx.io.stdout as { isTTY?: boolean }).isTTY === true;
  const green = (s: string): string => (tty ? `\u001b[0;32m${s}\u001b[0m` : s);
  const yellow = (s: string): string => (tty ? `\u001b[0;33m${s}\u001b[0m` : s);
  ctx.out(`${green('Kubernetes control plane')} is running at ${yellow(server)}\n`);
  for (const s of services.items) {
    const name = s.metadata.labels?.['kubernetes.io/name'] ?? s.metadata.name ?? '';
    ctx.out(`${green(name)} is running at ${yellow(`${server}/api/v1/namespaces/kube-system/services/${s.metadata.name}/proxy`)}\n`);
  }
  ctx.out(`\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
  return 0;
}
