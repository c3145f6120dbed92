import { numberForPeople, percentForPeople, roundForPeople } from './numbers';

describe('numbers for people', () => {
  it('rounds the noise of binary arithmetic away', () => {
    expect(roundForPeople(0.8000000000000002)).toBe(0.8);
    expect(roundForPeople(0.1 + 0.7)).toBe(0.8);
    expect(roundForPeople(1.005)).toBe(1.01);
    expect(roundForPeople(-0.001)).toBe(0);
    expect(Object.is(roundForPeople(-0.001), 0)).toBe(true);
    expect(roundForPeople(0.123456, 4)).toBe(0.1235);
    expect(roundForPeople(Number.NaN)).toBe(0);
  });

  it('says numbers and shares without noise', () => {
    expect(numberForPeople(38)).toBe('38');
    expect(numberForPeople(8.600000000000001)).toBe('8.6');
    expect(percentForPeople(0.8000000000000002)).toBe('80%');
    expect(percentForPeople(0.545)).toBe('55%');
  });
});
