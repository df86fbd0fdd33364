// The current objects of one resource, kept by its watch cache: each as the parsed object and/or its
// JSON text (each made from the other on first use, then kept), in key order on demand.
import type { KubeObject } from '../../api/types/meta.js';

// Objects from the watch are shared by every watcher and by the list cache: serialize each once.
const objectJson = new WeakMap<KubeObject, string>();

/**
 * Records the JSON text of an object the store just wrote (the stored text with its new
 * resourceVersion), so the reply sends it without serializing the object again. The object must not
 * be modified afterwards.
 */
export function rememberObjectJson(obj: KubeObject, text: string): void {
  objectJson.set(obj, text);
}

/** The JSON text recorded for this very object, if any. */
export function knownObjectJson(obj: unknown): string | undefined {
  return typeof obj === 'object' && obj !== null ? objectJson.get(obj as KubeObject) : undefined;
}

function sharedObjectJson(obj: KubeObject): string {
  let text = objectJson.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    objectJson.set(obj, text);
  }
  return text;
}

export class CachedObject {
  constructor(private text?: string, private parsed?: KubeObject) {}

  /** the object; shared, never to be modified */
  get object(): KubeObject {
    return (this.parsed ??= JSON.parse(this.text!) as KubeObject);
  }

  get json(): string {
    return (this.text ??= sharedObjectJson(this.parsed!));
  }
}

export class ObjectSnapshot {
  private readonly byKey = new Map<string, CachedObject>();
  private sorted?: string[];

  get size(): number {
    return this.byKey.size;
  }

  set(key: string, value: CachedObject): void {
    if (!this.byKey.has(key)) this.sorted = undefined;
    this.byKey.set(key, value);
  }

  delete(key: string): void {
    if (this.byKey.delete(key)) this.sorted = undefined;
  }

  clear(): void {
    this.byKey.clear();
    this.sorted = undefined;
  }

  /** entries whose key starts with prefix, in key order (as etcd returns them) */
  entries(prefix: string): CachedObject[] {
    this.sorted ??= [...this.byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: CachedObject[] = [];
    for (const k of this.sorted) if (k.startsWith(prefix)) out.push(this.byKey.get(k)!);
    return out;
  }
}
