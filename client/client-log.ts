// The client library's logger: pino JSON on stderr (stdout belongs to the CLI that embeds us).
import { pino, type Logger } from 'pino';

export const clientLog: Logger = pino(
  { name: 'skiff-client', level: process.env.SKIFF_CLIENT_LOG_LEVEL ?? 'info' },
  pino.destination(2),
);
