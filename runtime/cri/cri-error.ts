// gRPC-status errors for the CRI service. Handlers throw these; the server turns them into the
// gRPC status code and message, and any other error into INTERNAL with its message.
import { status } from '@grpc/grpc-js';

export class CriError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'CriError';
  }
}

export const invalidArgument = (field: string, problem: string): CriError =>
  new CriError(status.INVALID_ARGUMENT, `${field}: ${problem}`);

export const notFound = (what: string, id: string): CriError => new CriError(status.NOT_FOUND, `${what} "${id}" not found`);

export const alreadyExists = (message: string): CriError => new CriError(status.ALREADY_EXISTS, message);

export const failedPrecondition = (message: string): CriError => new CriError(status.FAILED_PRECONDITION, message);

export const unimplemented = (rpc: string, why: string): CriError =>
  new CriError(status.UNIMPLEMENTED, `${rpc} is not implemented by skiff runtime: ${why}`);
