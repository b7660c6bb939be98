/** Small measuring tools shared by the benchmarks. */

/** Samples the process's resident set size until stopped; returns the peak in MB. */
export class PeakRss {
  #peak = process.memoryUsage.rss();
  readonly #timer = setInterval(() => {
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
  }, 50);

  stop(): number {
    clearInterval(this.#timer);
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
    return Math.round(this.#peak / 1024 / 1024);
  }
}

/** The q-quantile (0–1) of ascending values, by nearest rank; 0 for no values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round((sorted[index] as number) * 10) / 10;
}

/** One line comparing a figure with its target: PASS, MISS, or just the figure. */
export function verdict(what: string, value: number, op: '>=' | '<' | 'report', target: number): string {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  if (op === 'report') return `  ${what}: ${shown}`;
  const ok = op === '>=' ? value >= target : value < target;
  return `  ${ok ? 'PASS' : 'MISS'} ${what}: ${shown} (target ${op} ${target})`;
}
