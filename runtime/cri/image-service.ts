// The CRI ImageService over the image store (runtime/images).
import type { AuthConfig as StoreAuth, ImageRecord, ImageStore } from '../images/image-store.js';
import { CriError, invalidArgument } from './cri-error.js';
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
      const msg = (err as Error).message;
      const code = /not found|manifest unknown|404/i.test(msg) ? grpcStatus.NOT_FOUND : /unauthori[sz]ed|401|403|denied/i.test(msg) ? grpcStatus.PERMISSION_DENIED : /invalid|reference/i.test(msg) ? grpcStatus.INVALID_ARGUMENT : grpcStatus.UNKNOWN;
      throw new CriError(code, `pulling ${req.image.image}: ${msg}`);
    }
  }

  async RemoveImage(req: cri.RemoveImageRequest): Res<object> {
    if (!req.image?.image) throw invalidArgument('image.image', 'required');
    const img = await this.images.get(req.image.image);
    if (!img) return {};
    const user = this.inUseBy(img.id);
    if (user) throw new CriError(grpcStatus.FAILED_PRECONDITION, `image ${req.image.image} (${img.id}) is in use by container ${user}`);
    await this.images.remove(img.id);
    return {};
  }

  async ImageFsInfo(): Res<cri.ImageFsInfoResponse> {
    const u = await this.images.usage();
    return {
      image_filesystems: [
        { timestamp: Date.now() * 1_000_000, fs_id: { mountpoint: u.mountpoint }, used_bytes: { value: u.usedBytes }, inodes_used: { value: u.inodesUsed } },
      ],
      container_filesystems: [],
    };
  }
}
