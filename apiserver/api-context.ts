// What every route handler needs, built once by server.ts.
import type { Logger } from 'pino';
import type { Registry } from './registry/registry.js';
import type { WatchCacheRegistry } from './storage/watch-cache.js';
import type { Metrics } from './metrics.js';
import type { Authenticator } from './auth/token-file.js';

export interface ApiContext {
  registry: Registry;
  watchCaches: WatchCacheRegistry;
  authenticator: Authenticator;
  metrics: Metrics;
  log: Logger;
  /** the apiserver's own admin token (used to reach kubelets) */
  adminToken: string;
  /** how often watches with allowWatchBookmarks get a BOOKMARK */
  bookmarkIntervalMs: number;
  /** set by close(): watch streams end */
  closing: AbortSignal;
}
