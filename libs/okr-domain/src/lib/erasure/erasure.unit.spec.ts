import { erasureDecider } from './erasure';

const now = '2026-12-03T10:00:00.000Z';
const erase = (reason: string) => ({ type: 'ErasePersonalData' as const, data: { erasureId: 'e1', keyId: 'k1', reason }, metadata: { now } });

describe('erasure decider', () => {
  it('records the destruction of a key with its reason, and no one it names', () => {
    expect(erasureDecider.decide(erase('  left the company '), erasureDecider.initialState())).toEqual([
      { type: 'PersonalDataErased', data: { erasureId: 'e1', keyId: 'k1', reason: 'left the company', erasedAt: now } },
    ]);
  });

  it('refuses an erasure without a reason', () => {
    expect(() => erasureDecider.decide(erase('  '), erasureDecider.initialState())).toThrow(/needs a reason/);
  });
});
