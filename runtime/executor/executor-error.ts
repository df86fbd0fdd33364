// Errors the executor throws, each with a kind the CRI service maps to a gRPC status code.
export type ExecutorErrorKind = 'InvalidArgument' | 'NotFound' | 'AlreadyExists' | 'FailedPrecondition' | 'Internal';

export class ExecutorError extends Error {
  constructor(
    readonly kind: ExecutorErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ExecutorError';
  }
}
