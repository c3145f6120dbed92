import { describe, expect, it } from 'vitest';
import { changesBetween, targetText, type ReplayKeyResult, type ReplayObjective } from './changes';

const keyResult = (over: Partial<ReplayKeyResult>): ReplayKeyResult => ({
  id: 'kr-1',
  title: 'Net Promoter Score',
  kind: 'increase',
  target: 40,
  value: 38,
  confidence: 5,
  progress: 0.5,
  ...over,
});

const objective = (keyResults: ReplayKeyResult[]): ReplayObjective =>
  ({ id: 'o-1', title: 'Customers recommend us to their peers', teamName: 'Growth', status: 'active', parentObjectiveIds: [], progress: 0.5, keyResults }) as unknown as ReplayObjective;

describe("a replayed key result's target in words", () => {
  it('says a floor or a ceiling as one, as the team page does, not as a number to reach', () => {
    expect(targetText(keyResult({ kind: 'stay-at-or-above', target: 40 }))).toBe('at or above 40');
    expect(targetText(keyResult({ kind: 'stay-at-or-below', target: 300, unit: 'ms' }))).toBe('at or below 300 ms');
    expect(targetText(keyResult({ kind: 'increase', target: 40, unit: '%' }))).toBe('40 %');
    expect(targetText(keyResult({ kind: 'stay-within-range', target: null, min: 95, max: 99, unit: '%' }))).toBe('95 % – 99 %');
    expect(targetText(keyResult({ kind: 'milestone', target: null }))).toBe('done');
  });

  it('says a revised floor in words in what changed', () => {
    const before = { at: '2026-08-20T00:00:00Z', objectives: [objective([keyResult({ kind: 'stay-at-or-above', target: 40 })])], learnings: [] };
    const now = { at: '2026-08-21T00:00:00Z', objectives: [objective([keyResult({ kind: 'stay-at-or-above', target: 35 })])], learnings: [] };
    expect(changesBetween(before, now).sentences).toContain('Net Promoter Score target revised from at or above 40 to at or above 35');
  });
});
