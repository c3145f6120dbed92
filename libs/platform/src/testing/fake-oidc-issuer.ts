import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** Who the fake identity provider signs in (no login form: the authorize step approves at once). */
export interface FakeOidcUser {
  sub: string;
  tenant: string;
  roles: string[];
  teams: string[];
}

export interface FakeOidcIssuer {
  /** The issuer URL (`iss`), also the base of its endpoints. */
  url: string;
  clientId: string;
  /** The `aud` of access tokens (what the services are configured to expect). */
  audience: string;
  /** Signs in someone else from the next authorization on. */
  setUser(user: FakeOidcUser): void;
  /** What happened, for assertions: authorizations, code exchanges (with PKCE checked), refreshes, sign-outs. */
  readonly counts: { authorizations: number; codeExchanges: number; refreshes: number; signOuts: number };
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  user: FakeOidcUser;
}

/**
 * A minimal OpenID Connect provider for tests: discovery, JWKS, the authorization code flow with PKCE
 * (S256 only: a code is exchanged only with the verifier of its challenge), refresh tokens and
 * end-session. Access tokens are RS256 JWTs with `tenant`, `roles` and `teams` claims.
 */
export async function startFakeOidcIssuer(
  options: { user: FakeOidcUser; clientId?: string; audience?: string; accessTokenSeconds?: number },
): Promise<FakeOidcIssuer> {
  const clientId = options.clientId ?? 'okr-web';
  const audience = options.audience ?? 'okr-api';
  const accessTokenSeconds = options.accessTokenSeconds ?? 300;
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, FakeOidcUser>();
  const counts = { authorizations: 0, codeExchanges: 0, refreshes: 0, signOuts: 0 };
  let user = options.user;
  let url = '';

  const tokens = async (who: FakeOidcUser, nonce: string | undefined) => {
    const refreshToken = randomBytes(24).toString('base64url');
    refreshTokens.set(refreshToken, who);
    return {
      token_type: 'Bearer',
      expires_in: accessTokenSeconds,
      access_token: await sign(privateKey, { ...who, scope: 'openid profile offline_access' }, url, audience, accessTokenSeconds),
      id_token: await sign(privateKey, { sub: who.sub, name: who.sub, ...(nonce ? { nonce } : {}) }, url, clientId, accessTokenSeconds),
      refresh_token: refreshToken,
      scope: 'openid profile offline_access',
    };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: 'server_error', error_description: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    switch (`${req.method} ${requestUrl.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        return send(res, 200, {
          issuer: url,
          authorization_endpoint: `${url}/authorize`,
          token_endpoint: `${url}/token`,
          jwks_uri: `${url}/.well-known/jwks.json`,
          end_session_endpoint: `${url}/logout`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'profile', 'offline_access'],
        });
      case 'GET /.well-known/jwks.json':
        return send(res, 200, { keys: [jwk] });
      case 'GET /authorize': {
        const q = requestUrl.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || !redirectUri) {
          return send(res, 400, { error: 'invalid_request', error_description: 'client_id, response_type=code and redirect_uri are required' });
        }
        if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
          return send(res, 400, { error: 'invalid_request', error_description: 'PKCE with S256 is required' });
        }
        counts.authorizations++;
        const code = randomUUID();
        codes.set(code, { clientId, redirectUri, challenge: q.get('code_challenge') ?? '', nonce: q.get('nonce') ?? undefined, user });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        if (q.get('state')) back.searchParams.set('state', q.get('state') ?? '');
        return void res.writeHead(302, { location: back.toString() }).end();
      }
      case 'POST /token': {
        const form = new URLSearchParams(await body(req));
        if (form.get('grant_type') === 'authorization_code') {
          const pending = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (!pending || pending.redirectUri !== form.get('redirect_uri') || pending.clientId !== form.get('client_id') || challenge !== pending.challenge) {
            return send(res, 400, { error: 'invalid_grant', error_description: 'unknown code, or redirect_uri, client_id or PKCE verifier mismatch' });
          }
          counts.codeExchanges++;
          return send(res, 200, await tokens(pending.user, pending.nonce));
        }
        if (form.get('grant_type') === 'refresh_token') {
          const who = refreshTokens.get(form.get('refresh_token') ?? '');
          if (!who) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
          refreshTokens.delete(form.get('refresh_token') ?? '');
          counts.refreshes++;
          return send(res, 200, await tokens(who, undefined));
        }
        return send(res, 400, { error: 'unsupported_grant_type' });
      }
      case 'GET /logout': {
        counts.signOuts++;
        const back = requestUrl.searchParams.get('post_logout_redirect_uri');
        return back ? void res.writeHead(302, { location: back }).end() : send(res, 200, { signedOut: true });
      }
      default:
        return send(res, 404, { error: 'not_found' });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    clientId,
    audience,
    counts,
    setUser: (next) => (user = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sign(key: CryptoKey, claims: Record<string, unknown>, issuer: string, audience: string, seconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'fake-1' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(String(claims['sub']))
    .setIssuedAt()
    .setExpirationTime(`${seconds}s`)
    .sign(key);
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(json));
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
  });
}
