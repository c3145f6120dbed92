import { checkInRulesFrom } from './check-in-rules.config';

describe('OKR_CHECK_IN_GRACE_DAYS', () => {
  it('defaults to a week', () => {
    expect(checkInRulesFrom({})).toEqual({ graceDays: 7 });
    expect(checkInRulesFrom({ OKR_CHECK_IN_GRACE_DAYS: ' ' })).toEqual({ graceDays: 7 });
  });

  it.each([['0', 0], ['14', 14], ['92', 92]])('takes %s', (raw, graceDays) => {
    expect(checkInRulesFrom({ OKR_CHECK_IN_GRACE_DAYS: raw })).toEqual({ graceDays });
  });

  it.each(['-1', '93', '1.5', 'a week'])('stops the service on %j, saying what to set', (raw) => {
    expect(() => checkInRulesFrom({ OKR_CHECK_IN_GRACE_DAYS: raw })).toThrow(
      `OKR_CHECK_IN_GRACE_DAYS must be a whole number of days from 0 to 92 (got "${raw}")`,
    );
  });
});
