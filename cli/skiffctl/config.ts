// `skiffctl config view|use-context|current-context|get-contexts`.
import { readFileSync } from 'node:fs';
import { kubeconfigPaths, parseKubeconfig, writeKubeconfig, type Kubeconfig } from '../../client/kubeconfig.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { toJson, toYaml } from './object-printer.js';
import { alignColumns } from './tab-writer.js';

export const flags: FlagSpec = { values: ['output'], booleans: ['raw', 'minify'], aliases: { o: 'output' } };

/** Replaces secrets by the markers kubectl prints without --raw. */
export function redact(kc: Kubeconfig): Kubeconfig {
  return {
    ...kc,
    clusters: kc.clusters.map((c) =>
      c.cluster['certificate-authority-data'] ? { ...c, cluster: { ...c.cluster, 'certificate-authority-data': 'DATA+OMITTED' } } : c,
    ),
    users: kc.users.map((u) => {
      const user = { ...u.user };
      if (user.token) user.token = 'REDACTED';
      if (user['client-certificate-data']) user['client-certificate-data'] = 'DATA+OMITTED';
      if (user['client-key-data']) user['client-key-data'] = 'DATA+OMITTED';
      return { ...u, user };
    }),
  };
}

function minify(kc: Kubeconfig, contextName: string): Kubeconfig {
  const ctx = kc.contexts.find((c) => c.name === contextName);
  if (!ctx) return kc;
  return {
    ...kc,
    contexts: [ctx],
    clusters: kc.clusters.filter((c) => c.name === ctx.context.cluster),
    users: kc.users.filter((u) => u.name === ctx.context.user),
    'current-context': contextName,
  };
}

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, arg] = ctx.positionals;
  switch (sub) {
    case 'view': {
      const loaded = ctx.kubeconfig();
      let kc = loaded.kubeconfig;
      if (ctx.bool('minify')) kc = minify(kc, loaded.contextName);
      if (!ctx.bool('raw')) kc = redact(kc);
      ctx.out(ctx.str('output') === 'json' ? toJson(kc) : toYaml(kc));
      return 0;
    }
    case 'current-context': {
      const kc = ctx.kubeconfig().kubeconfig;
      if (!kc['current-context']) throw new Error('current-context is not set');
      ctx.out(`${kc['current-context']}\n`);
      return 0;
    }
    case 'get-contexts': {
      const kc = ctx.kubeconfig().kubeconfig;
      const rows = [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']];
      for (const c of kc.contexts) {
        rows.push([c.name === kc['current-context'] ? '*' : '', c.name, c.context.cluster, c.context.user, c.context.namespace ?? '']);
      }
      ctx.out(alignColumns(rows));
      return 0;
    }
    case 'use-context': {
      if (!arg) throw new Error('Unexpected args: []; use-context needs a context name');
      // kubectl writes the change to the first file of the chain
      const file = kubeconfigPaths({ kubeconfig: ctx.str('kubeconfig') })[0];
      const kc = parseKubeconfig(readFileSync(file, 'utf8'), file);
      const all = ctx.kubeconfig().kubeconfig;
      if (!all.contexts.some((c) => c.name === arg)) throw new Error(`no context exists with the name: "${arg}"`);
      kc['current-context'] = arg;
      writeKubeconfig(file, kc);
      ctx.out(`Switched to context "${arg}".\n`);
      return 0;
    }
    default:
      throw new Error(`unknown config subcommand ${JSON.stringify(sub ?? '')}: use view, use-context, current-context or get-contexts`);
  }
}
