// Decides the uid/gid/groups a container's process runs as, from the CRI security context and the
// image's `User`, looking names up in the container rootfs' /etc/passwd and /etc/group.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export interface UserRequest {
  runAsUser?: number; // CRI run_as_user
  runAsGroup?: number; // CRI run_as_group
  runAsUsername?: string; // CRI run_as_username
  supplementalGroups?: number[];
  imageUser?: string; // image config User: "", "uid", "uid:gid", "name", "name:group"
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && f[0] !== '' && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }));
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parseGroup(text: string): GroupEntry[] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && f[0] !== '' && /^\d+$/.test(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter((m) => m !== '') }));
}

/** Pure: the user for the request given the rootfs' passwd and group files. Throws naming the field. */
export function resolveUser(req: UserRequest, passwdText: string, groupText: string): ResolvedUser {
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  let uid: number;
  let gid: number | undefined;
  let userName: string | undefined;

  if (req.runAsUser !== undefined) {
    uid = req.runAsUser;
    const entry = passwd.find((p) => p.uid === uid);
    gid = entry?.gid;
    userName = entry?.name;
  } else if (req.runAsUsername) {
    const entry = passwd.find((p) => p.name === req.runAsUsername);
    if (!entry) throw new Error(`config.linux.security_context.run_as_username: user ${JSON.stringify(req.runAsUsername)} not found in the image's /etc/passwd`);
    uid = entry.uid;
    gid = entry.gid;
    userName = entry.name;
  } else {
    const [userPart, groupPart] = (req.imageUser ?? '').split(':', 2);
    if (!userPart) {
      uid = 0;
      gid = 0;
      userName = passwd.find((p) => p.uid === 0)?.name;
    } else if (/^\d+$/.test(userPart)) {
      uid = Number(userPart);
      const entry = passwd.find((p) => p.uid === uid);
      gid = entry?.gid;
      userName = entry?.name;
    } else {
      const entry = passwd.find((p) => p.name === userPart);
      if (!entry) throw new Error(`image config User: user ${JSON.stringify(userPart)} not found in the image's /etc/passwd`);
      uid = entry.uid;
      gid = entry.gid;
      userName = entry.name;
    }
    if (groupPart) {
      if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
      else {
        const g = groups.find((x) => x.name === groupPart);
        if (!g) throw new Error(`image config User: group ${JSON.stringify(groupPart)} not found in the image's /etc/group`);
        gid = g.gid;
      }
    }
  }
  if (req.runAsGroup !== undefined) gid = req.runAsGroup;
  const primary = gid ?? 0;
  const extra = new Set<number>();
  if (userName) for (const g of groups) if (g.members.includes(userName) && g.gid !== primary) extra.add(g.gid);
  for (const g of req.supplementalGroups ?? []) if (g !== primary) extra.add(g);
  return { uid, gid: primary, additionalGids: [...extra].sort((a, b) => a - b) };
}

async function readOr(path: string): Promise<string> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/** Reads the files from the (mounted) rootfs. /etc/passwd is a regular file in sane images. */
export async function resolveUserInRootfs(rootfs: string, req: UserRequest): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readOr(join(rootfs, 'etc/passwd')), readOr(join(rootfs, 'etc/group'))]);
  return resolveUser(req, passwd, group);
}
