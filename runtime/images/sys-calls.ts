// libc calls Node lacks, through koffi: mknod (device nodes, whiteouts), lsetxattr/lgetxattr
// (overlay opaque dirs, pax xattrs), utimensat with AT_SYMLINK_NOFOLLOW and nanoseconds, flock
// (the store lock shared with other processes), and the inode flags ioctl (chattr).
// Every binding of the image store lives here.
import { createRequire } from 'node:module';
import { constants } from 'node:os';

type Koffi = typeof import('koffi');
let koffiModule: Koffi | undefined;

/** koffi loads on first use, so importing this module costs nothing until a call is made */
function koffi(): Koffi {
  koffiModule ??= createRequire(import.meta.url)('koffi') as Koffi;
  return koffiModule;
}

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

interface LibcFns {
  mknod: (path: string, mode: number, dev: bigint) => number;
  lsetxattr: (path: string, name: string, value: Buffer, size: number, flags: number) => number;
  lgetxattr: (path: string, name: string, value: Buffer | null, size: number) => number;
  utimensat: (dirfd: number, path: string, times: Buffer, flags: number) => number;
  flock: (fd: number, op: number) => number;
  ioctl: (fd: number, request: number, argType: string, arg: Buffer) => number;
}

let libc: LibcFns | undefined;

function fns(): LibcFns {
  if (!libc) {
    const lib = koffi().load('libc.so.6');
    libc = {
      mknod: lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
      lsetxattr: lib.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
      lgetxattr: lib.func('intptr_t lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)'),
      utimensat: lib.func('int utimensat(int dirfd, const char *path, const void *times, int flags)'),
      flock: lib.func('int flock(int fd, int op)'),
      ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
    };
  }
  return libc;
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));

export class SysCallError extends Error {
  constructor(
    readonly syscall: string,
    readonly path: string,
    readonly errno: number,
  ) {
    const code = ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
    super(`${syscall} ${path}: ${code}`);
  }
  get code(): string {
    return ERRNO_NAMES.get(this.errno) ?? `E${this.errno}`;
  }
}

function check(ret: number, syscall: string, path: string): number {
  if (ret < 0) throw new SysCallError(syscall, path, koffi().errno());
  return ret;
}

/** glibc's makedev */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** mode includes the file type bits (S_IFCHR, S_IFBLK, S_IFIFO) */
export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  check(fns().mknod(path, mode, makedev(major, minor)), 'mknod', path);
}

export function lsetxattr(path: string, name: string, value: Buffer | string): void {
  const buf = typeof value === 'string' ? Buffer.from(value) : value;
  check(fns().lsetxattr(path, name, buf, buf.length, 0), `lsetxattr(${name})`, path);
}

/** the attribute's value, or undefined when the file does not have it */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const size = fns().lgetxattr(path, name, null, 0);
  if (size < 0) {
    const errno = koffi().errno();
    if (errno === constants.errno.ENODATA) return undefined;
    throw new SysCallError(`lgetxattr(${name})`, path, errno);
  }
  const buf = Buffer.alloc(Number(size));
  const got = check(Number(fns().lgetxattr(path, name, buf, buf.length)), `lgetxattr(${name})`, path);
  return buf.subarray(0, got);
}

/** sets atime and mtime (seconds, fractional allowed) without following a final symlink */
export function lutimesNs(path: string, atimeSec: number, mtimeSec: number): void {
  const times = Buffer.alloc(32);
  const put = (off: number, t: number): void => {
    const sec = Math.floor(t);
    times.writeBigInt64LE(BigInt(sec), off);
    times.writeBigInt64LE(BigInt(Math.round((t - sec) * 1e9)), off + 8);
  };
  put(0, atimeSec);
  put(16, mtimeSec);
  check(fns().utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), 'utimensat', path);
}

export const LOCK_SH = 1;
export const LOCK_EX = 2;
const LOCK_NB = 4;
export const LOCK_UN = 8;

/** flock without blocking: true when taken, false when someone else holds a conflicting lock */
export function tryFlock(fd: number, op: typeof LOCK_SH | typeof LOCK_EX, what: string): boolean {
  if (fns().flock(fd, op | LOCK_NB) === 0) return true;
  const errno = koffi().errno();
  if (errno === constants.errno.EWOULDBLOCK) return false;
  throw new SysCallError('flock', what, errno);
}

export function funlock(fd: number, what: string): void {
  check(fns().flock(fd, LOCK_UN), 'flock(LOCK_UN)', what);
}

/** FS_IOC_GETFLAGS / FS_IOC_SETFLAGS (`_IOR('f', 1, long)`, `_IOW('f', 2, long)`), as chattr uses them */
const FS_IOC_GETFLAGS = 0x80086601;
const FS_IOC_SETFLAGS = 0x40086602;
/** chattr +T: the directory tops unrelated hierarchies (ext4's Orlov allocator spreads its children) */
export const FS_TOPDIR_FL = 0x00020000;

/**
 * Adds inode flags (chattr) to the open file `fd`. Returns false when the filesystem has no such
 * flags (ENOTTY, EOPNOTSUPP, EINVAL: not ext2/3/4 or a flag it does not know).
 */
export function addInodeFlags(fd: number, flags: number, what: string): boolean {
  const buf = Buffer.alloc(8);
  if (fns().ioctl(fd, FS_IOC_GETFLAGS, 'void *', buf) < 0) return unsupported(koffi().errno(), 'ioctl(FS_IOC_GETFLAGS)', what);
  const current = buf.readInt32LE(0);
  if ((current & flags) === flags) return true;
  buf.writeInt32LE(current | flags, 0);
  if (fns().ioctl(fd, FS_IOC_SETFLAGS, 'void *', buf) < 0) return unsupported(koffi().errno(), 'ioctl(FS_IOC_SETFLAGS)', what);
  return true;
}

function unsupported(errno: number, syscall: string, what: string): false {
  const { ENOTTY, EOPNOTSUPP, EINVAL } = constants.errno;
  if (errno === ENOTTY || errno === EOPNOTSUPP || errno === EINVAL) return false;
  throw new SysCallError(syscall, what, errno);
}
