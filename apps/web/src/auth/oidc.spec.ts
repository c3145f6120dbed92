import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, sessionFromOidcUser, type OidcSettings } from './oidc';

const settings: OidcSettings = { issuer: 'https://id.example', clientId: 'okr-web', claims: { tenant: 'org', roles: 'groups_roles', teams: 'teams' } };
const utf8Base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const jwt = (payload: object) => `h.${utf8Base64(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;

describe('an OIDC sign-in as the tab session', () => {
  it('reads tenant, roles and teams from the configured claims of the access token', () => {
    const session = sessionFromOidcUser(
      { access_token: jwt({ sub: 'u-1', org: 'acme', groups_roles: ['leader'], teams: 'growth platform', preferred_username: 'Nina Ödegaard' }), expires_at: 2_000_000_000, profile: { sub: 'u-1', iss: 'x', aud: 'y', exp: 0, iat: 0 } },
      settings,
    );
    expect(session).toEqual({
      token: expect.any(String),
      tenant: 'acme',
      user: 'Nina Ödegaard',
      roles: ['leader'],
      teams: ['growth', 'platform'],
      expiresAt: '2033-05-18T03:33:20.000Z',
    });
  });

  it('names a person known by a UUID subject only as unnamed: the header never shows the id', () => {
    const subject = '5f0c2a9e-1b7d-4c3e-9a8f-2d6b1e0c7a41';
    const session = sessionFromOidcUser({ access_token: jwt({ sub: subject, org: 'acme' }), expires_at: 2_000_000_000, profile: { sub: subject, iss: 'x', aud: 'y', exp: 0, iat: 0 } }, settings);
    expect(session.user).toBe('an unnamed person');
  });

  it('yields nothing from an opaque token instead of failing', () => {
    expect(decodeJwtPayload('opaque-token')).toEqual({});
    expect(decodeJwtPayload('a.%%%.b')).toEqual({});
  });
});
