import { afterAll, beforeAll, expect, test } from 'vitest';
import { pushBusyboxImage } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry.js';

let open: TestRegistry;
let locked: TestRegistry;
beforeAll(async () => {
  open = await startRegistry();
  locked = await startRegistry({ htpasswd: { user: 'skiff', password: 's3cret' } });
});
afterAll(async () => {
  await open?.stop();
  await locked?.stop();
});

test('pushes the three-layer busybox image to an open and to an htpasswd registry', async () => {
  const a = await pushBusyboxImage(open.host, 'test/busybox:1');
  expect(a.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(a.layerDigests).toHaveLength(3);
  const res = await fetch(`http://${open.host}/v2/test/busybox/manifests/1`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(res.headers.get('docker-content-digest')).toBe(a.digest);

  expect((await fetch(`http://${locked.host}/v2/`)).status).toBe(401);
  await expect(pushBusyboxImage(locked.host, 'test/busybox:1')).rejects.toThrow();
  const b = await pushBusyboxImage(locked.host, 'test/busybox:1', { creds: { user: 'skiff', password: 's3cret' } });
  expect(b.digest).toBe(a.digest);
});
