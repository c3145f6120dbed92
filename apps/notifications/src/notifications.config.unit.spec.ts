import { notificationsSettingsFrom } from './notifications.config';

describe('notificationsSettingsFrom: OKR_WEBHOOK_ALLOW_PRIVATE', () => {
  it('allows private destinations by default (the embedded default: a receiver on localhost)', () => {
    expect(notificationsSettingsFrom({}).allowPrivateDestinations).toBe(true);
    expect(notificationsSettingsFrom({ OKR_WEBHOOK_ALLOW_PRIVATE: ' ' }).allowPrivateDestinations).toBe(true);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    [' False ', false],
    ['0', false],
    ['no', false],
  ])('reads %j as %s', (value, expected) => {
    expect(notificationsSettingsFrom({ OKR_WEBHOOK_ALLOW_PRIVATE: value }).allowPrivateDestinations).toBe(expected);
  });

  it('stops the start on anything else, naming the variable', () => {
    expect(() => notificationsSettingsFrom({ OKR_WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(
      'OKR_WEBHOOK_ALLOW_PRIVATE must be true or false (got "maybe")',
    );
  });
});
