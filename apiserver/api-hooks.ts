// The registry's hooks bound to api/: defaulting, validation, strict unknown-field and field-type
// detection, and managedFields bookkeeping.
import { applyDefaults } from '../api/defaults.js';
import { validateObject } from '../api/validation/index.js';
import { formatFieldTypeError, fieldTypeErrors, unknownFields } from '../api/strict-fields.js';
import { recordUpdate } from '../api/server-side-apply.js';
import type { ObjectHooks } from './registry/hooks.js';
import { timestamp } from './registry/object-rules.js';

export function apiHooks(): ObjectHooks {
  return {
    applyDefaults: (info, obj) => {
      applyDefaults(info, obj);
      return obj;
    },
    validate: (info, obj, old) => validateObject(info, obj, old),
    unknownFields: (info, obj) => unknownFields(info, obj),
    typeErrors: (info, obj) => fieldTypeErrors(info, obj).map(formatFieldTypeError),
    recordUpdate: (before, after, manager, now, subresource) => recordUpdate(before, after, manager, timestamp(now), subresource),
  };
}
