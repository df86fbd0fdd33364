// JSON Patch (RFC 6902), `application/json-patch+json`: add, remove, replace, move, copy, test.
// Errors name the operation and the path: a malformed patch is a 400, one that does not apply a 422.
import { badRequest, unprocessable } from '../status.js';
import { type JsonValue, cloneJson, isJsonObject, jsonEqual } from '../json-value.js';

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: JsonValue;
  from?: string;
}

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

/** Checks the shape of a patch document (a list of operations). */
export function parseJsonPatch(doc: unknown): JsonPatchOperation[] {
  if (!Array.isArray(doc)) throw badRequest('json patch must be a list of operations');
  return doc.map((op, i) => {
    if (!isJsonObject(op)) throw badRequest(`json patch operation ${i} is not an object`);
    if (typeof op.op !== 'string' || !OPS.includes(op.op)) throw badRequest(`json patch operation ${i}: unknown op ${JSON.stringify(op.op)}`);
    if (typeof op.path !== 'string') throw badRequest(`json patch ${op.op} operation ${i}: missing "path"`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw badRequest(`json patch ${op.op} operation on ${JSON.stringify(op.path)}: missing "value"`);
    }
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw badRequest(`json patch ${op.op} operation on ${JSON.stringify(op.path)}: missing "from"`);
    }
    return op as unknown as JsonPatchOperation;
  });
}

function parsePointer(op: string, pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch ${op} operation: path ${JSON.stringify(pointer)} must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(op: string, path: string, token: string, length: number, allowEnd: boolean): number {
  if (token === '-' && allowEnd) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw unprocessable(`json patch ${op} operation does not apply: invalid array index ${JSON.stringify(token)} in ${JSON.stringify(path)}`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) {
    throw unprocessable(`json patch ${op} operation does not apply: index ${i} out of range in ${JSON.stringify(path)}`);
  }
  return i;
}

function missing(op: string, path: string): never {
  throw unprocessable(`json patch ${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}`);
}

/** The container (object or array) holding the last token of `tokens`. */
function parentOf(doc: JsonValue, op: string, path: string, tokens: string[]): JsonValue {
  let cur: JsonValue = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(op, path, t, cur.length, false)]!;
    else if (isJsonObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t]!;
    else missing(op, path);
  }
  return cur;
}

function getAt(doc: JsonValue, op: string, path: string): JsonValue {
  const tokens = parsePointer(op, path);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, op, path, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(op, path, last, parent.length, false)]!;
  if (isJsonObject(parent) && Object.prototype.hasOwnProperty.call(parent, last)) return parent[last]!;
  return missing(op, path);
}

function removeAt(doc: JsonValue, op: string, path: string): JsonValue {
  const tokens = parsePointer(op, path);
  if (tokens.length === 0) throw unprocessable(`json patch ${op} operation does not apply: cannot remove the whole document`);
  const parent = parentOf(doc, op, path, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(op, path, last, parent.length, false), 1)[0]!;
  if (isJsonObject(parent) && Object.prototype.hasOwnProperty.call(parent, last)) {
    const v = parent[last]!;
    delete parent[last];
    return v;
  }
  return missing(op, path);
}

/** Adds (or for `replace`, replaces) at path; returns the new document (the root may be replaced). */
function putAt(doc: JsonValue, op: string, path: string, value: JsonValue, replace: boolean): JsonValue {
  const tokens = parsePointer(op, path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, op, path, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(op, path, last, parent.length, !replace);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isJsonObject(parent)) {
    if (replace && !Object.prototype.hasOwnProperty.call(parent, last)) missing(op, path);
    parent[last] = value;
  } else {
    missing(op, path);
  }
  return doc;
}

/** Applies the operations in order; the input is not modified. All or nothing. */
export function applyJsonPatch(document: unknown, patch: unknown): JsonValue {
  const ops = parseJsonPatch(patch);
  let doc = cloneJson(document as JsonValue);
  for (const o of ops) {
    switch (o.op) {
      case 'add':
        doc = putAt(doc, 'add', o.path, cloneJson(o.value as JsonValue), false);
        break;
      case 'replace':
        doc = putAt(doc, 'replace', o.path, cloneJson(o.value as JsonValue), true);
        break;
      case 'remove':
        removeAt(doc, 'remove', o.path);
        break;
      case 'move': {
        if (o.path.startsWith(`${o.from!}/`)) {
          throw unprocessable(`json patch move operation does not apply: cannot move ${JSON.stringify(o.from)} into its own child ${JSON.stringify(o.path)}`);
        }
        const v = removeAt(doc, 'move', o.from!);
        doc = putAt(doc, 'move', o.path, v, false);
        break;
      }
      case 'copy':
        doc = putAt(doc, 'copy', o.path, cloneJson(getAt(doc, 'copy', o.from!)), false);
        break;
      case 'test': {
        const actual = getAt(doc, 'test', o.path);
        if (!jsonEqual(actual, o.value)) {
          throw unprocessable(
            `json patch test operation does not apply: value at ${JSON.stringify(o.path)} is ${JSON.stringify(actual)}, not ${JSON.stringify(o.value)}`,
          );
        }
        break;
      }
    }
  }
  return doc;
}
