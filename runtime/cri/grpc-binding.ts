// Binds handler objects (async request → response, throwing CriError) to a grpc-js service
// definition. Unary RPCs without a handler, and every streaming RPC, answer UNIMPLEMENTED with a
// message naming the RPC; other errors become INTERNAL with their message.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { CriError } from './cri-error.js';

export type AsyncHandler = (req: never) => Promise<unknown>;

function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  if (err instanceof CriError) return { code: err.code, details: err.message, message: err.message };
  const msg = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.INTERNAL, details: msg, message: msg };
}

export function bindService(
  definition: grpc.ServiceDefinition,
  handlers: object,
  log: Logger,
): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const fn = (handlers as Record<string, unknown>)[name];
    if (method.requestStream || method.responseStream) {
      impl[name] = ((call: grpc.ServerWritableStream<unknown, unknown>) => {
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by skiff runtime: use the non-streaming RPC` });
      }) as grpc.handleServerStreamingCall<unknown, unknown>;
      continue;
    }
    impl[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (typeof fn !== 'function') {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by skiff runtime` });
        return;
      }
      const started = Date.now();
      (fn as (req: unknown) => Promise<unknown>).call(handlers, call.request).then(
        (res) => {
          log.debug({ rpc: name, ms: Date.now() - started }, 'cri call');
          callback(null, res);
        },
        (err: unknown) => {
          const se = toServiceError(err);
          const level = se.code === grpc.status.INTERNAL ? 'error' : 'info';
          log[level]({ rpc: name, code: grpc.status[se.code ?? 2], err: se.details, ms: Date.now() - started }, 'cri call failed');
          callback(se);
        },
      );
    }) as grpc.handleUnaryCall<unknown, unknown>;
  }
  return impl;
}
