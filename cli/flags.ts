// A small flag parser for the CLIs: `--name value`, `--name=value`, boolean `--flag`, short `-n v`.
// Unknown flags are errors that name the flag, so typos never pass silently.
export interface FlagSpec {
  /** flag names (without dashes) that take a value */
  values?: string[];
  /** flag names that are booleans */
  booleans?: string[];
  /** short aliases: { n: 'namespace' } */
  aliases?: Record<string, string>;
  /** flags that may repeat: collected as arrays */
  repeated?: string[];
}

export interface ParsedFlags {
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
  /** everything after a bare `--` */
  rest: string[];
}

export class FlagError extends Error {}

export function parseFlags(argv: string[], spec: FlagSpec): ParsedFlags {
  const values = new Set(spec.values ?? []);
  const booleans = new Set(spec.booleans ?? []);
  const repeated = new Set(spec.repeated ?? []);
  const flags: ParsedFlags['flags'] = {};
  const positionals: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name = arg.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!arg.startsWith('--') && spec.aliases?.[name]) name = spec.aliases[name];
    if (booleans.has(name)) {
      flags[name] = value === undefined ? true : value !== 'false';
    } else if (values.has(name) || repeated.has(name)) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        value = argv[++i];
      }
      if (repeated.has(name)) {
        const prev = flags[name];
        flags[name] = [...(Array.isArray(prev) ? prev : []), value];
      } else {
        flags[name] = value;
      }
    } else {
      throw new FlagError(`unknown flag: ${arg}`);
    }
  }
  return { flags, positionals, rest };
}

export function str(p: ParsedFlags, name: string, dflt: string): string;
export function str(p: ParsedFlags, name: string): string | undefined;
export function str(p: ParsedFlags, name: string, dflt?: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : dflt;
}

export function bool(p: ParsedFlags, name: string): boolean {
  return p.flags[name] === true;
}

/** a TCP port flag (1-65535), or an Error naming the flag and the bad value */
export function portFlag(p: ParsedFlags, name: string, dflt: number): number | Error {
  const text = str(p, name);
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return new Error(`--${name}: invalid value "${text}": must be a port number 1-65535`);
  return n;
}

/**
 * A command's flags, with `-h/--help` built in: on --help prints the usage and returns 0; on a bad
 * flag prints `<command>: <error>` and the usage and returns 2. Callers return a number as is.
 */
export function parseCommandFlags(command: string, argv: string[], spec: FlagSpec, usage: string): ParsedFlags | number {
  try {
    const parsed = parseFlags(argv, {
      ...spec,
      booleans: [...(spec.booleans ?? []), 'help'],
      aliases: { h: 'help', ...spec.aliases },
    });
    if (parsed.flags.help) {
      process.stdout.write(usage);
      return 0;
    }
    return parsed;
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`${command}: ${e.message}\n${usage}`);
      return 2;
    }
    throw e;
  }
}
