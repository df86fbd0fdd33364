// Pure: OCI mount options ("nosuid", "rbind", "ro", "mode=755", "rprivate", ...) into mount(2)
// flags, propagation flags and the filesystem data string, the way runc reads them.
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  REC: 0x4000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  STRICTATIME: 0x1000000,
} as const;

const setFlags: Record<string, number> = {
  bind: MS.BIND,
  rbind: MS.BIND | MS.REC,
  ro: MS.RDONLY,
  nosuid: MS.NOSUID,
  nodev: MS.NODEV,
  noexec: MS.NOEXEC,
  sync: MS.SYNCHRONOUS,
  dirsync: MS.DIRSYNC,
  mand: MS.MANDLOCK,
  noatime: MS.NOATIME,
  nodiratime: MS.NODIRATIME,
  relatime: MS.RELATIME,
  strictatime: MS.STRICTATIME,
  remount: MS.REMOUNT,
};

const clearFlags: Record<string, number> = {
  rw: MS.RDONLY,
  suid: MS.NOSUID,
  dev: MS.NODEV,
  exec: MS.NOEXEC,
  async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK,
  atime: MS.NOATIME,
  diratime: MS.NODIRATIME,
  norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME,
  defaults: 0,
};

const propagation: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

export interface ParsedMountOptions {
  flags: number;
  propagation: number;
  data: string;
}

export function parseMountOptions(options: string[] = [], type = ''): ParsedMountOptions {
  let flags = type === 'bind' ? MS.BIND : 0;
  let prop = 0;
  const data: string[] = [];
  for (const o of options) {
    if (o in setFlags) flags |= setFlags[o];
    else if (o in clearFlags) flags &= ~clearFlags[o];
    else if (o in propagation) prop |= propagation[o];
    else data.push(o);
  }
  return { flags, propagation: prop, data: data.join(',') };
}

export function propagationFlags(name: string): number | undefined {
  return propagation[name];
}
