// PATCH on an object or its status/scale subresource.
import { unsupportedMediaType } from '../../api/status.js';
import type { HandlerArgs } from './resource-routes.js';

export async function servePatch(a: HandlerArgs): Promise<void> {
  void a;
  throw unsupportedMediaType('PATCH is not available yet');
}
