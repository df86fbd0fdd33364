// The image store's public surface for the CRI service and the CLI.
export { createImageStore, DEFAULT_RUNTIME_ROOT, imageStoreRoot, LocalImageStore, type GcResult, type ImageStoreOptions } from './local-image-store.js';
export {
  DigestMismatchError,
  ImageInUseError,
  ImageNotFoundError,
  RegistryError,
  RegistryNotFoundError,
  RegistryUnauthorizedError,
  SizeMismatchError,
  UnsupportedImageError,
} from './errors.js';
export { InvalidReferenceError, familiarName, normalizeReference, parseReference, type ImageReference } from './reference.js';
export { LayerEscapeError } from './entry-path.js';
export { buildBusyboxImageArchive, ensureBusyboxImage } from './busybox-image.js';
export type { AuthConfig, ImageConfig, ImageFsUsage, ImageRecord, ImageStore, PullProgress } from './image-store.js';
