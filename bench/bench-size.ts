/**
 * How much work a benchmark does. `BENCH_SCALE` (default 1) multiplies every size, so that CI can run
 * each benchmark as shipped for a few seconds (`npm run bench:smoke`) and none can break silently.
 * A figure taken at a scale below 1 is a smoke run, not a measurement.
 */
const scale = (() => {
  const raw = process.env['BENCH_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`BENCH_SCALE must be a positive number, got "${raw}"`);
  return value;
})();

/** `value` scaled by `BENCH_SCALE`, at least `min`; an explicit `envName` setting wins. */
export function benchSize(value: number, options: { env?: string; min?: number } = {}): number {
  const explicit = options.env ? process.env[options.env] : undefined;
  if (explicit !== undefined && explicit !== '') return Number(explicit);
  return Math.max(options.min ?? 1, Math.round(value * scale));
}

