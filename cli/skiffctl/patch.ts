// `skiffctl patch TYPE NAME -p PATCH [--type strategic|merge|json] [--subresource S]`:
// `pod/x patched`, or `(no change)` when the object stayed the same.
import type { FlagSpec } from '../flags.js';
import type { PatchType } from '../../client/types.js';
import type { CommandContext } from './command-context.js';
import { objectNamespace } from './get-options.js';
import { kindRef, parseResourceArgs } from './resource-args.js';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

export const flags: FlagSpec = {
  values: ['patch', 'type', 'subresource', 'patch-file'],
  aliases: { p: 'patch' },
};

export async function run(ctx: CommandContext): Promise<number> {
  const sels = parseResourceArgs(ctx.positionals);
  if (sels.length !== 1 || sels[0].names.length !== 1) throw new Error('patch needs exactly one object: TYPE NAME or TYPE/NAME');
  const file = ctx.str('patch-file');
  const text = file !== undefined ? readFileSync(file, 'utf8') : ctx.str('patch');
  if (text === undefined) throw new Error('must specify --patch or --patch-file containing the contents of the patch');
  let body: unknown;
  try {
    body = parse(text);
  } catch (e) {
    throw new Error(`unable to parse "${text}": ${(e as Error).message}`);
  }
  const type = (ctx.str('type') ?? 'strategic') as PatchType;
  if (!['strategic', 'merge', 'json'].includes(type)) throw new Error(`--type must be one of [json merge strategic], not "${type}"`);
  const sel = sels[0];
  const name = sel.names[0];
  const rc = ctx.client.resource(sel.info);
  const ns = objectNamespace(ctx, sel);
  const before = await rc.get(ns, name);
  const after = await rc.patch(ns, name, body, type, { subresource: ctx.str('subresource') });
  const same = before.metadata.resourceVersion === after.metadata.resourceVersion;
  ctx.out(`${kindRef(sel.info)}/${name} patched${same ? ' (no change)' : ''}\n`);
  return 0;
}
