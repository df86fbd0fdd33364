// `skiffctl version`: the client's version and the server's /version.
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { toJson, toYaml } from './object-printer.js';

export const flags: FlagSpec = { values: ['output'], booleans: ['client'], aliases: { o: 'output' } };

export const CLIENT_VERSION = { major: '1', minor: '32', gitVersion: 'v0.1.0-skiffctl', platform: `${process.platform}/${process.arch}` };

interface ServerVersion {
  major?: string;
  minor?: string;
  gitVersion?: string;
  platform?: string;
}

export async function run(ctx: CommandContext): Promise<number> {
  const out = ctx.str('output');
  let server: ServerVersion | undefined;
  if (!ctx.bool('client')) server = await ctx.client.request<ServerVersion>({ method: 'GET', path: '/version' });
  if (out === 'json' || out === 'yaml') {
    const doc: Record<string, unknown> = { clientVersion: CLIENT_VERSION };
    if (server) doc.serverVersion = server;
    ctx.out(out === 'json' ? toJson(doc) : toYaml(doc));
    return 0;
  }
  if (out) throw new Error(`--output must be 'yaml' or 'json'`);
  ctx.out(`Client Version: ${CLIENT_VERSION.gitVersion}\n`);
  if (server) ctx.out(`Server Version: ${server.gitVersion ?? `v${server.major}.${server.minor}`}\n`);
  return 0;
}
