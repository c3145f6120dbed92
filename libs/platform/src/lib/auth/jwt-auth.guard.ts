import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenProblem, UnauthenticatedProblem } from '../errors/problems';
import { ACCEPTS_API_KEYS, ApiKeyVerifier, isApiKey } from './api-key';
import { IS_PUBLIC } from './principal';
import { TokenVerifier } from './token-verifier';

/**
 * Whether a path needs a bearer token: everything under `/api/` except the API docs (`/api/docs*`).
 * Health probes and other paths outside `/api/` stay open.
 */
export function requiresAuthentication(path: string): boolean {
  return path.startsWith('/api/') && !OPEN_API_DOCS.test(path);
}

/** Swagger UI and its assets (`/api/docs`, `/api/docs/…`) and the document (`/api/docs-json`, `-yaml`); nothing else. */
const OPEN_API_DOCS = /^\/api\/docs(?:\/.*|-json|-yaml)?$/;

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-_=.~+/]+)\s*$/i;

/**
 * The global guard of every service (registered by `PlatformModule`). On `/api/` routes it requires
 * `Authorization: Bearer <jwt>`, verifies it with {@link TokenVerifier} (or a service account's API key
 * with {@link ApiKeyVerifier}, on routes marked `@AcceptsApiKeys()` only) and attaches the principal to
 * the request (`@CurrentPrincipal()`); otherwise 401 problem+json with `WWW-Authenticate: Bearer`.
 * Routes marked `@Public()` are let through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly apiKeys: ApiKeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The route as declared, not the raw URL: `/%61pi/...` may match an `/api/` route.
    const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    if (!requiresAuthentication(path)) return true;

    const header = request.headers.authorization;
    if (header === undefined || header === '') throw new UnauthenticatedProblem();
    const match = BEARER.exec(header);
    if (!match?.[1]) throw new UnauthenticatedProblem('The Authorization header must be "Bearer <token>".', true);

    if (!isApiKey(match[1])) {
      request.principal = await this.verifier.verify(match[1]);
      return true;
    }
    request.principal = await this.apiKeys.verify(match[1]);
    if (!this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_API_KEYS, [context.getHandler(), context.getClass()])) {
      throw new ForbiddenProblem('Service accounts may only record measurements.', 'api-key-not-allowed');
    }
    return true;
  }
}
