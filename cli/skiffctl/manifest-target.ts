// Where a manifest object goes: its resource type (by apiVersion/kind) and namespace, with
// kubectl's checks and messages.
import { findByKind, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { CommandContext } from './command-context.js';

export interface ManifestTarget {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
}

export function manifestTarget(ctx: CommandContext, obj: KubeObject, source: string): ManifestTarget {
  const info = findByKind(obj.apiVersion ?? '', obj.kind ?? '');
  const name = obj.metadata?.name ?? '';
  if (!info) {
    throw new Error(
      `resource mapping not found for name: "${name}" namespace: "${obj.metadata?.namespace ?? ''}" from "${source}": no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`,
    );
  }
  if (!name) throw new Error(`error when retrieving current configuration of object from "${source}": resource name may not be empty`);
  if (!info.namespaced) return { info, namespace: undefined, name };
  const own = obj.metadata?.namespace;
  const explicit = ctx.explicitNamespace;
  if (own && explicit && own !== explicit) {
    throw new Error(
      `the namespace from the provided object "${own}" does not match the namespace "${explicit}". You must pass '--namespace=${own}' to perform this operation.`,
    );
  }
  return { info, namespace: own || ctx.namespace, name };
}
