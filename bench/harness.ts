/** Tiny benchmark helpers: medians over repeated runs, printed side by side with a baseline. */

export interface Measurement {
  name: string;
  medianMs: number;
  p95Ms: number;
  runs: number;
}

export async function measure(name: string, fn: () => Promise<unknown>, { runs = 30, warmup = 3 } = {}): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, medianMs: times[Math.floor(times.length / 2)], p95Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))], runs };
}

export function printComparison(title: string, candidate: Measurement, baseline: Measurement): void {
  const ratio = baseline.medianMs / candidate.medianMs;
  console.log(`\n${title}`);
  console.log(`  ${candidate.name.padEnd(44)} median ${candidate.medianMs.toFixed(2).padStart(8)} ms   p95 ${candidate.p95Ms.toFixed(2).padStart(8)} ms`);
  console.log(`  ${baseline.name.padEnd(44)} median ${baseline.medianMs.toFixed(2).padStart(8)} ms   p95 ${baseline.p95Ms.toFixed(2).padStart(8)} ms`);
  console.log(`  ratio baseline/candidate: ${ratio.toFixed(1)}×`);
}
