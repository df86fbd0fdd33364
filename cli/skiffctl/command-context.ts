// What every skiffctl command gets: the global flags resolved (kubeconfig, context, namespace,
// -A), a lazily built ApiClient, and the streams to print to.
import { parseFlags, type FlagSpec, type ParsedFlags } from '../flags.js';
import { ApiClient } from '../../client/rest-client.js';
import { loadKubeconfig, type LoadedKubeconfig } from '../../client/kubeconfig.js';
import type { Io } from './io.js';

export const globalFlagSpec: Required<Pick<FlagSpec, 'values' | 'booleans' | 'aliases'>> = {
  values: ['kubeconfig', 'context', 'namespace', 'server', 'token', 'request-timeout'],
  booleans: ['all-namespaces', 'insecure-skip-tls-verify'],
  aliases: { n: 'namespace', A: 'all-namespaces' },
};

/** Merges a command's own flags with the global ones. */
export function withGlobalFlags(spec: FlagSpec): FlagSpec {
  return {
    values: [...globalFlagSpec.values, ...(spec.values ?? [])],
    booleans: [...globalFlagSpec.booleans, ...(spec.booleans ?? [])],
    aliases: { ...globalFlagSpec.aliases, ...spec.aliases },
    repeated: spec.repeated,
  };
}

/** `--request-timeout`: `0` (none), `5s`, `1m`, `500ms` or plain seconds; in ms. */
export function requestTimeoutMs(s: string | undefined): number {
  if (!s || s === '0') return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new Error(`invalid argument "${s}" for "--request-timeout" flag: invalid duration`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

export class CommandContext {
  private loaded: LoadedKubeconfig | undefined;
  private apiClient: ApiClient | undefined;

  constructor(
    readonly flags: ParsedFlags,
    readonly io: Io,
    readonly commandName: string,
  ) {}

  /** Parses a command's argv with its own flags plus the global ones. */
  static parse(argv: string[], spec: FlagSpec, io: Io, commandName: string): CommandContext {
    return new CommandContext(parseFlags(argv, withGlobalFlags(spec)), io, commandName);
  }

  str(name: string): string | undefined {
    const v = this.flags.flags[name];
    return typeof v === 'string' ? v : undefined;
  }

  bool(name: string): boolean {
    return this.flags.flags[name] === true;
  }

  /** a boolean flag that defaults to true (`--wait=false` turns it off) */
  boolDefaultTrue(name: string): boolean {
    return this.flags.flags[name] !== false;
  }

  list(name: string): string[] {
    const v = this.flags.flags[name];
    if (Array.isArray(v)) return v;
    return typeof v === 'string' ? [v] : [];
  }

  get positionals(): string[] {
    return this.flags.positionals;
  }

  kubeconfig(): LoadedKubeconfig {
    this.loaded ??= loadKubeconfig({ kubeconfig: this.str('kubeconfig'), context: this.str('context') });
    return this.loaded;
  }

  get client(): ApiClient {
    if (!this.apiClient) {
      const server = this.str('server');
      const base = server ? { server } : this.kubeconfig().config;
      const config = { ...base, userAgent: `skiffctl/v0.1.0 (${this.commandName})` };
      const timeout = requestTimeoutMs(this.str('request-timeout'));
      if (timeout > 0) config.requestTimeoutMs = timeout;
      const token = this.str('token');
      if (token) config.token = token;
      if (this.bool('insecure-skip-tls-verify')) config.insecureSkipTLSVerify = true;
      this.apiClient = new ApiClient(config);
    }
    return this.apiClient;
  }

  /** -n, else the context's namespace, else `default` */
  get namespace(): string {
    const explicit = this.str('namespace');
    if (explicit) return explicit;
    if (this.str('server')) return 'default';
    return this.kubeconfig().namespace;
  }

  get explicitNamespace(): string | undefined {
    return this.str('namespace');
  }

  get allNamespaces(): boolean {
    return this.bool('all-namespaces');
  }

  out(s: string): void {
    this.io.stdout.write(s);
  }

  err(s: string): void {
    this.io.stderr.write(s);
  }

  close(): void {
    this.apiClient?.close();
  }
}
