// Controller expectations (client-go's UIDTrackingControllerExpectations): after a controller asks for
// N creations and some deletions it does not act on that controller again until its informer has seen
// them (or they time out), so a slow watch never makes it create or delete twice.
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  /** true when nothing is outstanding for `key` (or what is has expired) */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.at > this.ttlMs;
  }

  expect(key: string, adds: number, deleteKeys: readonly string[]): void {
    this.byKey.set(key, { adds, deletes: new Set(deleteKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.adds--;
  }

  /** also used when a create failed: the object will never be observed */
  lowerAdds(key: string, n: number): void {
    const e = this.byKey.get(key);
    if (e) e.adds -= n;
  }

  deletionObserved(key: string, objKey: string): void {
    this.byKey.get(key)?.deletes.delete(objKey);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
