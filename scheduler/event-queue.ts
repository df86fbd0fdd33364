// Events from the scheduler go through a small bounded queue with one write in flight, so they
// never compete with bindings for the apiserver; when the queue is full new events are dropped,
// as client-go's event broadcaster drops them when its channel is full.
import type { KubeObject } from '../api/types/index.js';
import type { EventRecorder, EventType } from '../client/events.js';

export interface EventQueueOptions {
  maxInFlight?: number;
  maxPending?: number;
}

interface Pending {
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
}

export class EventQueue {
  private readonly pending: Pending[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxPending: number;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly recorder: EventRecorder,
    o: EventQueueOptions = {},
  ) {
    this.maxInFlight = o.maxInFlight ?? 1;
    this.maxPending = o.maxPending ?? 1000;
  }

  record(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.closed) return;
    if (this.pending.length >= this.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push({ obj, type, reason, message });
    this.pump();
  }

  /** drops what is still queued; writes in flight finish */
  close(): void {
    this.closed = true;
    this.pending.length = 0;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const e = this.pending.shift() as Pending;
      this.inFlight++;
      void this.recorder.record(e.obj, e.type, e.reason, e.message).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}
