// The few syscalls Node lacks, bound from libc with koffi. Each wrapper throws a SysError naming
// the call, its operand and the errno (ENOENT, EBUSY, ...) instead of returning -1.
import { constants } from 'node:os';
import koffi from 'koffi';

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

export class SysError extends Error {
  constructor(
    readonly call: string,
    readonly operand: string,
    readonly errno: number,
  ) {
    super(`${call} ${operand}: ${errnoNames.get(errno) ?? `errno ${errno}`}`);
    this.name = 'SysError';
  }
  get code(): string {
    return errnoNames.get(this.errno) ?? `E${this.errno}`;
  }
}

interface Libc {
  mount: (src: string | null, target: string, type: string | null, flags: number, data: string | null) => number;
  umount2: (target: string, flags: number) => number;
  memfd_create: (name: string, flags: number) => number;
  fcntl: (fd: number, cmd: number, argType: string, arg: number) => number;
}

let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  libc = {
    mount: lib.func('int mount(const char *src, const char *target, const char *type, unsigned long flags, const char *data)'),
    umount2: lib.func('int umount2(const char *target, int flags)'),
    memfd_create: lib.func('int memfd_create(const char *name, unsigned int flags)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
  };
  return libc;
}

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MNT_DETACH = 0x2;

export function mount(src: string | null, target: string, type: string | null, flags: number, data: string | null): void {
  if (load().mount(src, target, type, flags, data) < 0) throw new SysError('mount', target, koffi.errno());
}

export function umount2(target: string, flags = 0): void {
  if (load().umount2(target, flags) < 0) throw new SysError('umount', target, koffi.errno());
}

const MFD_CLOEXEC = 0x1;
const MFD_ALLOW_SEALING = 0x2;
const F_ADD_SEALS = 1033;
const F_SEAL_SEAL = 0x1;
const F_SEAL_SHRINK = 0x2;
const F_SEAL_GROW = 0x4;
const F_SEAL_WRITE = 0x8;

/** a close-on-exec memfd that allows sealing */
export function memfdCreate(name: string): number {
  const fd = load().memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) throw new SysError('memfd_create', name, koffi.errno());
  return fd;
}

/** seals a memfd against every change (write, grow, shrink, further seals) */
export function sealMemfd(fd: number): void {
  const seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
  if (load().fcntl(fd, F_ADD_SEALS, 'int', seals) < 0) throw new SysError('fcntl F_ADD_SEALS', `fd ${fd}`, koffi.errno());
}
