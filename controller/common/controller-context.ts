// What each controller gets from the controller-manager: the client, the shared informers, an event
// recorder, a logger, a clock and the stop signal.
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types/index.js';
import type { ApiClient } from '../../client/rest-client.js';
import type { EventRecorder } from '../../client/events.js';
import type { SharedInformers } from './shared-informers.js';

export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformers;
  recorder: EventRecorder;
  log: Logger;
  now: () => number;
  signal: AbortSignal;
}

export interface Controller {
  name: string;
  /** registers handlers on the shared informers; called before the informers start */
  init(): void;
  /** runs the workers until the context's signal aborts */
  run(): Promise<void>;
}

/** Objects from lists carry no kind; events need one. */
export function withKind<T extends KubeObject>(obj: T, apiVersion: string, kind: string): T {
  return obj.kind ? obj : { ...obj, apiVersion, kind };
}
