import { createHash } from 'node:crypto';

/**
 * A UUID v7 for a record of the generated organisation, the same on every run: its time part is the
 * moment of the write that creates the record (a service's `uuidv7()` takes the moment of the request;
 * the generator writes history, so it takes the history's moment), its random part a hash of the run
 * and the record's name. A re-run therefore makes the same ids, which is what lets it resume.
 */
export function recordId(run: string, name: string, atMillis: number): string {
  const bytes = createHash('sha256').update(`${run}\u0000${name}`).digest();
  let time = atMillis;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
