// Errors of the image store; each names the image, digest or host involved.

export class ImageNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly ref: string) {
    super(`image ${JSON.stringify(ref)} not found`);
  }
}

export class ImageInUseError extends Error {
  readonly code = 'IN_USE';
  constructor(
    readonly imageRef: string,
    readonly imageId: string,
    readonly container: string,
  ) {
    super(`image ${JSON.stringify(imageRef)} (${imageId}) is in use by container ${JSON.stringify(container)}`);
  }
}

export class DigestMismatchError extends Error {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}

export class SizeMismatchError extends Error {
  constructor(
    readonly what: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`${what}: size mismatch: expected ${expected} bytes, got ${actual}`);
  }
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class RegistryUnauthorizedError extends RegistryError {}
export class RegistryNotFoundError extends RegistryError {}

export class UnsupportedImageError extends Error {}
