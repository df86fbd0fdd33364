// `skiffctl label TYPE NAME k=v k2- [--overwrite] [-l SEL | --all]`
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { editMetadata } from './metadata-edit.js';

export const flags: FlagSpec = {
  values: ['selector', 'resource-version'],
  booleans: ['overwrite', 'all'],
  aliases: { l: 'selector' },
};

export function run(ctx: CommandContext): Promise<number> {
  return editMetadata(ctx, 'labels');
}
