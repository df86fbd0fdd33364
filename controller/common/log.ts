// The controller-manager's pino logger.
import { pino, type Logger } from 'pino';

export function componentLogger(component: string): Logger {
  return pino({ name: component, level: process.env.SKIFF_LOG_LEVEL ?? 'info' });
}
