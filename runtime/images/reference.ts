// Image references as users write them, normalized the way Docker and containerd do:
// `busybox` → `docker.io/library/busybox:latest`, `host:5000/x/y:tag`, `name@sha256:...`,
// `name:tag@sha256:...`. Invalid references throw InvalidReferenceError with the reason.

export interface ImageReference {
  /** registry host, e.g. `docker.io`, `127.0.0.1:5000` */
  domain: string;
  /** repository path inside the registry, e.g. `library/busybox` */
  path: string;
  /** tag; `latest` when neither tag nor digest was given */
  tag?: string;
  /** `sha256:...` */
  digest?: string;
}

export class InvalidReferenceError extends Error {
  constructor(
    readonly reference: string,
    reason: string,
  ) {
    super(`invalid image reference ${JSON.stringify(reference)}: ${reason}`);
  }
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAINS = new Set(['index.docker.io', 'registry-1.docker.io']);
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_RE =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const MAX_NAME = 255;

export function parseReference(input: string): ImageReference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(input, reason);
  };
  if (typeof input !== 'string' || input.length === 0) fail('empty reference');
  if (/\s/.test(input)) fail('contains whitespace');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) {
      if (/^sha256:/.test(digest)) fail(`digest ${JSON.stringify(digest)} must be sha256: followed by 64 lowercase hex digits`);
      fail(`unsupported digest ${JSON.stringify(digest)} (only sha256 is supported)`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) fail(`invalid tag ${JSON.stringify(tag)} (want [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  }
  if (rest.length === 0) fail('missing repository name');
  const parts = rest.split('/');
  let domain = DEFAULT_DOMAIN;
  const first = parts[0];
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    parts.shift();
    if (!DOMAIN_RE.test(domain)) fail(`invalid registry host ${JSON.stringify(domain)}`);
  }
  if (LEGACY_DOMAINS.has(domain)) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && parts.length === 1) parts.unshift('library');
  for (const c of parts) {
    if (c.length === 0) fail('empty path component');
    if (c !== c.toLowerCase() && COMPONENT_RE.test(c.toLowerCase())) fail(`repository name must be lowercase, got ${JSON.stringify(c)}`);
    if (!COMPONENT_RE.test(c)) fail(`invalid path component ${JSON.stringify(c)}`);
  }
  const path = parts.join('/');
  if (domain.length + 1 + path.length > MAX_NAME) fail(`repository name longer than ${MAX_NAME} characters`);
  if (!tag && !digest) tag = 'latest';
  return { domain, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `domain/path` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** the full normalized string: `docker.io/library/busybox:latest`, `x/y:t@sha256:...`, `x/y@sha256:...` */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** the normalized string form of `input`; throws InvalidReferenceError */
export function normalizeReference(input: string): string {
  return formatReference(parseReference(input));
}

/** `docker.io/library/busybox:latest` → `busybox:latest`, as Docker prints names */
export function familiarName(full: string): string {
  if (!full.startsWith(`${DEFAULT_DOMAIN}/`)) return full;
  const rest = full.slice(DEFAULT_DOMAIN.length + 1);
  return rest.startsWith('library/') && !rest.slice(8).includes('/') ? rest.slice(8) : rest;
}

/** plain HTTP is used for these without configuration */
export function isLoopbackHost(host: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::[0-9]+)?$/.exec(host);
  const h = bracketed ? bracketed[1] : host.split(':').length > 2 ? host : host.replace(/:[0-9]+$/, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
