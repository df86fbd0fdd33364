// The CRI ImageService over the image store (runtime/images).
import { ImageInUseError, ImageNotFoundError, RegistryNotFoundError, RegistryUnauthorizedError, UnsupportedImageError } from '../images/errors.js';
import type { AuthConfig as StoreAuth, ImageRecord, ImageStore } from '../images/image-store.js';
import { InvalidReferenceError } from '../images/reference.js';
import { CriError, invalidArgument } from './cri-error.js';
import { nowNanos } from './timestamps.js';
import type * as cri from './cri-types.js';
import { status as grpcStatus } from '@grpc/grpc-js';

type Res<T> = Promise<cri.DeepPartial<T>>;

/** Image User "uid[:gid]" → uid; "name[:group]" → username. */
export function imageUser(user: string | undefined): { uid?: number; username: string } {
  const u = (user ?? '').split(':')[0];
  if (u === '') return { username: '' };
  if (/^\d+$/.test(u)) return { uid: Number(u), username: '' };
  return { username: u };
}

export function toCriImage(img: ImageRecord): cri.DeepPartial<cri.Image> {
  const user = imageUser(img.config.User);
  return {
    id: img.id,
    repo_tags: img.repoTags,
    repo_digests: img.repoDigests,
    size: img.size,
    ...(user.uid !== undefined ? { uid: { value: user.uid } } : {}),
    username: user.username,
    spec: { image: img.id, annotations: {} },
    pinned: false,
  };
}

function storeAuth(a: cri.AuthConfig | null): StoreAuth | undefined {
  if (!a) return undefined;
  const out: StoreAuth = {};
  if (a.username) out.username = a.username;
  if (a.password) out.password = a.password;
  if (a.auth) out.auth = a.auth;
  if (a.identity_token) out.identityToken = a.identity_token;
  if (a.registry_token) out.registryToken = a.registry_token;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function pullErrorCode(err: unknown): grpcStatus {
  if (err instanceof RegistryNotFoundError || err instanceof ImageNotFoundError) return grpcStatus.NOT_FOUND;
  if (err instanceof RegistryUnauthorizedError) return grpcStatus.PERMISSION_DENIED;
  if (err instanceof InvalidReferenceError) return grpcStatus.INVALID_ARGUMENT;
  if (err instanceof UnsupportedImageError) return grpcStatus.FAILED_PRECONDITION;
  return grpcStatus.UNKNOWN;
}

export class ImageServiceHandlers {
  constructor(
    private readonly images: ImageStore,
    private readonly inUseBy: (imageId: string) => string | undefined,
  ) {}

  async ListImages(req: cri.ListImagesRequest): Res<cri.ListImagesResponse> {
    const wanted = req.filter?.image?.image;
    if (wanted) {
      const img = await this.images.get(wanted);
      return { images: img ? [toCriImage(img)] : [] };
    }
    return { images: (await this.images.list()).map(toCriImage) };
  }

  async ImageStatus(req: cri.ImageStatusRequest): Res<cri.ImageStatusResponse> {
    if (!req.image?.image) throw invalidArgument('image.image', 'required');
    const img = await this.images.get(req.image.image);
    if (!img) return { image: null, info: {} };
    return { image: toCriImage(img), info: req.verbose ? { info: JSON.stringify({ config: img.config, chainIds: img.chainIds }) } : {} };
  }

  async PullImage(req: cri.PullImageRequest): Res<cri.PullImageResponse> {
    if (!req.image?.image) throw invalidArgument('image.image', 'required');
    try {
      const img = await this.images.pull(req.image.image, { auth: storeAuth(req.auth) });
      return { image_ref: img.id };
    } catch (err) {
      throw new CriError(pullErrorCode(err), `pulling ${req.image.image}: ${(err as Error).message}`);
    }
  }

  async RemoveImage(req: cri.RemoveImageRequest): Res<object> {
    if (!req.image?.image) throw invalidArgument('image.image', 'required');
    const img = await this.images.get(req.image.image);
    if (!img) return {};
    const user = this.inUseBy(img.id);
    if (user) throw new CriError(grpcStatus.FAILED_PRECONDITION, `image ${req.image.image} (${img.id}) is in use by container ${user}`);
    try {
      await this.images.remove(img.id);
    } catch (err) {
      if (err instanceof ImageInUseError) throw new CriError(grpcStatus.FAILED_PRECONDITION, err.message);
      if (!(err instanceof ImageNotFoundError)) throw err;
    }
    return {};
  }

  async ImageFsInfo(): Res<cri.ImageFsInfoResponse> {
    const u = await this.images.usage();
    return {
      image_filesystems: [
        { timestamp: nowNanos(), fs_id: { mountpoint: u.mountpoint }, used_bytes: { value: u.usedBytes }, inodes_used: { value: u.inodesUsed } },
      ],
      container_filesystems: [],
    };
  }
}
