// `skiffctl cordon NODE... | -l SEL`
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { runSchedulable } from './node-schedulable.js';

export const flags: FlagSpec = { values: ['selector'], aliases: { l: 'selector' } };

export function run(ctx: CommandContext): Promise<number> {
  return runSchedulable(ctx, true);
}
