// The client library's public surface.
export * from './types.js';
export { ApiClient } from './rest-client.js';
export { ApiError, isApiError, isNotFound, isConflict, isAlreadyExists, isGone } from './api-error.js';
export { WatchLineParser } from './watch-stream.js';
export { createInformer } from './informer.js';
export { objectKey, diffList } from './object-store.js';
export { createWorkQueue } from './work-queue.js';
export { runLeaderElection, type LeaderElectionOptions, type LeaderElectionHandle, type LeaseObject } from './leader-election.js';
export { createEventRecorder, type EventRecorder, type EventObject } from './events.js';
export { loadKubeconfig, writeKubeconfig, buildKubeconfig, type LoadedKubeconfig } from './kubeconfig.js';
export { microTime, rfc3339 } from './micro-time.js';
