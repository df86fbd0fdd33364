// The API machinery the registry calls for every write (defaulting, validation, unknown-field
// detection, managedFields). api-hooks.ts binds them to api/; tests may pass their own.
import type { FieldError } from '../../api/field-errors.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';

export interface ObjectHooks {
  applyDefaults(info: ResourceInfo, obj: KubeObject): KubeObject;
  validate(info: ResourceInfo, obj: KubeObject, old?: KubeObject): FieldError[];
  /** dotted paths of fields the resource's schema does not know */
  unknownFields(info: ResourceInfo, obj: KubeObject): string[];
  /** fields with the wrong JSON type, as messages (`spec.replicas: expected integer, got string "3"`) */
  typeErrors(info: ResourceInfo, obj: KubeObject): string[];
  /** the managedFields of `after` once `manager` made an Update from `before` */
  recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, now: Date, subresource?: string): KubeObject;
}
