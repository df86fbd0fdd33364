// Prometheus metrics: request counts and latency histograms by verb/resource/code, and the number
// of registered watchers.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();

  private watchers = 0;

  watchStarted(): void {
    this.watchers += 1;
  }

  watchEnded(): void {
    this.watchers -= 1;
  }

  get registeredWatchers(): number {
    return this.watchers;
  }

  observe(verb: string, resource: string, code: number, seconds: number): void {
    const rk = `${verb}\x00${resource}\x00${code}`;
    this.requests.set(rk, (this.requests.get(rk) ?? 0) + 1);
    const dk = `${verb}\x00${resource}`;
    let h = this.durations.get(dk);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(dk, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]! += 1;
    h.sum += seconds;
    h.count += 1;
  }

  render(): string {
    const lines: string[] = [];
    lines.push('# HELP apiserver_request_total Counter of apiserver requests broken out by verb, resource and HTTP response code.');
    lines.push('# TYPE apiserver_request_total counter');
    for (const [k, n] of this.requests) {
      const [verb, resource, code] = k.split('\x00');
      lines.push(`apiserver_request_total{verb="${esc(verb!)}",resource="${esc(resource!)}",code="${code}"} ${n}`);
    }
    lines.push('# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb and resource.');
    lines.push('# TYPE apiserver_request_duration_seconds histogram');
    for (const [k, h] of this.durations) {
      const [verb, resource] = k.split('\x00');
      const l = `verb="${esc(verb!)}",resource="${esc(resource!)}"`;
      BUCKETS.forEach((b, i) => lines.push(`apiserver_request_duration_seconds_bucket{${l},le="${b}"} ${h.counts[i]}`));
      lines.push(`apiserver_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      lines.push(`apiserver_request_duration_seconds_sum{${l}} ${h.sum}`);
      lines.push(`apiserver_request_duration_seconds_count{${l}} ${h.count}`);
    }
    lines.push('# HELP apiserver_registered_watchers Number of currently registered watchers.');
    lines.push('# TYPE apiserver_registered_watchers gauge');
    lines.push(`apiserver_registered_watchers ${this.watchers}`);
    return lines.join('\n') + '\n';
  }
}
