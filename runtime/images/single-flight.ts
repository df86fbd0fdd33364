// Collapses concurrent calls with the same key into one execution whose result all callers share.
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.flights.get(key);
    if (existing) return existing;
    const p = (async () => {
      try {
        return await fn();
      } finally {
        this.flights.delete(key);
      }
    })();
    this.flights.set(key, p);
    return p;
  }

  inFlight(key: string): Promise<T> | undefined {
    return this.flights.get(key);
  }

  get size(): number {
    return this.flights.size;
  }
}
