// The shape of a skiffctl subcommand module.
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';

export interface SkiffctlCommand {
  /** the command's own flags; the global ones are added */
  flags: FlagSpec;
  run(ctx: CommandContext): Promise<number>;
}
