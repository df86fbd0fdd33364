// Waits used while a cluster starts: a component counts as started once it answers.
import { existsSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** true when GET url answers 200 (certificates are not verified: this only asks "is it up?") */
export function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export const waitForHttp = (what: string, url: string, timeoutMs?: number) => waitFor(what, () => httpOk(url), timeoutMs);

export const waitForFile = (what: string, path: string, timeoutMs?: number) =>
  waitFor(what, async () => existsSync(path), timeoutMs);
