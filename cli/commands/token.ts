// `skiff token create [--data-dir DIR] [--ttl 24h]`: prints a join token for `skiff agent --token`.
// Run it on the server machine: it writes the bootstrap token into the server's token file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandFlags, str } from '../flags.js';
import { DEFAULT_DATA_DIR } from '../cluster/layout.js';
import { caHash, formatJoinToken, newBootstrapToken, parseTtl } from '../../apiserver/join/join-token.js';
import { addBootstrapToken, tokensFile } from '../../apiserver/join/token-store.js';

const USAGE = `usage: skiff token create [--data-dir DIR] [--ttl 24h]
Prints a token that lets one or more machines join as nodes: skiff agent --server URL --token TOKEN
`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseCommandFlags('skiff token', argv, { values: ['data-dir', 'ttl'] }, USAGE);
  if (typeof flags === 'number') return flags;
  if (flags.positionals[0] !== 'create') {
    process.stderr.write(USAGE);
    return 2;
  }
  const dataDir = str(flags, 'data-dir', DEFAULT_DATA_DIR);
  const caFile = join(dataDir, 'pki', 'ca.crt');
  const file = tokensFile(dataDir);
  if (!existsSync(caFile) || !existsSync(file)) {
    process.stderr.write(`skiff token: ${dataDir} holds no server yet (no ${caFile} or ${file}); start \`skiff server\` or \`skiff up\` with --data-dir ${dataDir} first\n`);
    return 1;
  }
  let ttlMs: number;
  try {
    ttlMs = parseTtl(str(flags, 'ttl', '24h'));
  } catch (e) {
    process.stderr.write(`skiff token: ${(e as Error).message}\n`);
    return 2;
  }
  const bootstrapToken = newBootstrapToken();
  addBootstrapToken(file, bootstrapToken, ttlMs > 0 ? new Date(Date.now() + ttlMs) : undefined);
  process.stdout.write(`${formatJoinToken({ caHash: caHash(readFileSync(caFile, 'utf8')), bootstrapToken })}\n`);
  return 0;
}
