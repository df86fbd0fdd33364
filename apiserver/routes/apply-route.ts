// Server-side apply (`application/apply-patch+yaml`): creates or updates, tracking field managers;
// conflicts with other managers answer 409 unless force=true.
import { unsupportedMediaType } from '../../api/status.js';
import type { HandlerArgs } from './resource-routes.js';

export async function serveApply(a: HandlerArgs, applied: unknown): Promise<void> {
  void a;
  void applied;
  throw unsupportedMediaType('server-side apply is not available yet');
}
