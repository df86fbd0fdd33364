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
  ctx.out(`\u001b[0;32mKubernetes control plane\u001b[0m is running at \u001b[0;33m${server}\u001b[0m\n`);
  for (const s of services.items) {
    const name = s.metadata.labels?.['kubernetes.io/name'] ?? s.metadata.name;
    ctx.out(`\u001b[0;32m${name}\u001b[0m is running at \u001b[0;33m${server}/api/v1/namespaces/kube-system/services/${s.metadata.name}/proxy\u001b[0m\n`);
  }
  ctx.out(`\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
  return 0;
}
