import { DEFAULT_RISK_SWEEP_SECONDS, riskSignalsOptionsFrom, systemClock } from './risk-signals.config';

describe('OKR_RISK_SWEEP_SECONDS', () => {
  it.each([undefined, '', '  '])('defaults to a sweep every %p -> 60 seconds', (raw) => {
    expect(riskSignalsOptionsFrom({ OKR_RISK_SWEEP_SECONDS: raw })).toEqual({ sweepSeconds: DEFAULT_RISK_SWEEP_SECONDS });
    expect(DEFAULT_RISK_SWEEP_SECONDS).toBe(60);
  });

  it.each([
    ['0', 0],
    ['15', 15],
    [' 300 ', 300],
    ['86400', 86_400],
  ])('takes %p', (raw, sweepSeconds) => {
    expect(riskSignalsOptionsFrom({ OKR_RISK_SWEEP_SECONDS: raw })).toEqual({ sweepSeconds });
  });

  it.each(['-1', '1.5', 'sixty', '86401', 'Infinity'])('refuses %p with one line saying what to set', (raw) => {
    expect(() => riskSignalsOptionsFrom({ OKR_RISK_SWEEP_SECONDS: raw })).toThrow(
      `OKR_RISK_SWEEP_SECONDS must be a whole number of seconds from 0 to 86400, 0 to disable the sweep (got "${raw}")`,
    );
  });
});

describe('systemClock', () => {
  it('gives each app a clock of its own', () => {
    expect(systemClock()).not.toBe(systemClock());
    expect(systemClock().now()).toBeInstanceOf(Date);
  });
});
