// The boundary to the overlay snapshotter (runtime/snapshots): a writable rootfs over read-only
// image layers, mounted at a target and removed by key.
export interface RootfsSnapshotter {
  /** mounts an overlay of `lowerDirs` (bottom first) with its own upper/work dirs at `target` */
  prepare(key: string, lowerDirs: string[], target: string): Promise<void>;
  /** unmounts and deletes; succeeds when already gone */
  remove(key: string): Promise<void>;
  /** the writable layer's directory, for usage stats */
  upperDir(key: string): string;
}
