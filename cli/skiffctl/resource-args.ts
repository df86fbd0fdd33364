// Turns `TYPE [NAME...]`, `TYPE/NAME...` and `TYPE1,TYPE2` (and the `all` category) into
// resource types and names, resolving names and short names through api/resources.ts.
import { findByUserName, RESOURCES, type ResourceInfo } from '../../api/resources.js';

export interface ResourceSelection {
  info: ResourceInfo;
  /** empty: every object of the type */
  names: string[];
  /** where the named objects live when not the command's namespace (objects from -f manifests) */
  namespace?: string;
}

export class ResourceArgError extends Error {}

/** `pod`, `deployment.apps`: how kubectl names a kind in output. */
export function kindRef(info: ResourceInfo): string {
  const k = info.kind.toLowerCase();
  return info.group ? `${k}.${info.group}` : k;
}

/** `pod/nginx`, `deployment.apps/web` */
export function objectRef(info: ResourceInfo, name: string): string {
  return `${kindRef(info)}/${name}`;
}

export function resolveType(word: string): ResourceInfo[] {
  if (word.toLowerCase() === 'all') return RESOURCES.filter((r) => r.categories.includes('all'));
  const info = findByUserName(word);
  if (!info) throw new ResourceArgError(`the server doesn't have a resource type "${word}"`);
  return [info];
}

export function parseResourceArgs(args: string[]): ResourceSelection[] {
  if (args.length === 0) throw new ResourceArgError('You must specify the type of resource to get.');
  if (args.some((a) => a.includes('/'))) {
    const out: ResourceSelection[] = [];
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash <= 0 || slash === a.length - 1) {
        throw new ResourceArgError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`);
      }
      const [info] = resolveType(a.slice(0, slash));
      const existing = out.find((s) => s.info === info);
      if (existing) existing.names.push(a.slice(slash + 1));
      else out.push({ info, names: [a.slice(slash + 1)] });
    }
    return out;
  }
  const [types, ...names] = args;
  const infos = types.split(',').filter(Boolean).flatMap(resolveType);
  if (names.length > 0 && infos.length > 1) {
    throw new ResourceArgError(`you must specify only one resource type when naming objects (got "${types}")`);
  }
  return infos.map((info) => ({ info, names }));
}
