// Waits until an object is gone, as `kubectl delete --wait` does: a GET, then a watch on
// metadata.name from the list's resourceVersion until DELETED (or a different uid appears).
import type { ResourceInfo } from '../../api/resources.js';
import { isNotFound } from '../../client/api-error.js';
import type { ApiClient } from '../../client/rest-client.js';

export async function waitDeleted(
  client: ApiClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  uid: string | undefined,
  timeoutMs: number,
): Promise<boolean> {
  const rc = client.resource(info);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let rv: string | undefined;
    try {
      const list = await rc.list(namespace, { fieldSelector: `metadata.name=${name}` });
      const cur = list.items[0];
      if (!cur || (uid && cur.metadata.uid !== uid)) return true;
      rv = list.metadata.resourceVersion;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    let gone = false;
    const w = rc.watch(namespace, { fieldSelector: `metadata.name=${name}`, resourceVersion: rv, timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)) }, (ev) => {
      if (ev.type === 'DELETED' && (!uid || ev.object.metadata.uid === uid)) {
        gone = true;
        w.stop();
      }
    });
    const timer = setTimeout(() => w.stop(), Math.max(0, deadline - Date.now()));
    try {
      await w.done;
    } catch {
      // an expired watch (410) or a dropped connection: look again
    } finally {
      clearTimeout(timer);
    }
    if (gone) return true;
  }
  return false;
}
