import { HttpStatus, Inject, Injectable, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Observable } from 'rxjs';
import type { Principal } from '../auth/principal';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import { Problem } from '../errors/problems';
import { IDEMPOTENCY_OFF } from '../idempotency/idempotency.interceptor';

type SecurityConfig = Pick<PlatformConfig, 'OKR_RATE_LIMIT_PER_IP' | 'OKR_RATE_LIMIT_PER_PRINCIPAL' | 'OKR_RATE_LIMIT_WINDOW_SECONDS'>;
type Limiter = (request: FastifyRequest) => Promise<{ isExceeded: boolean; ttlInSeconds: number; max: number }>;

/** 429: too many requests from one address or one principal in the window; `Retry-After` says when to come back. */
export class RateLimitedProblem extends Problem {
  constructor(what: 'address' | 'principal', max: number, retryAfterSeconds: number) {
    super({
      status: HttpStatus.TOO_MANY_REQUESTS,
      code: 'rate-limited',
      title: 'Too Many Requests',
      detail: `More than ${max} requests from this ${what} in the window. Retry after ${retryAfterSeconds} seconds.`,
      details: { limit: max, retryAfterSeconds },
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  hsts: false,
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"] } },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets with the platform's options, computed once: with no nonce and no
 * per-request directive they are the same on every response, and building helmet's middleware per
 * request (what @fastify/helmet does: it parses the CSP directives again each time) cost about 3 % of
 * a GET's CPU under load.
 */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' ? Object.values(csp.directives ?? {}) : [];
  if (directives.some((value) => typeof value === 'function' || (Array.isArray(value) && value.some((part) => typeof part === 'function')))) {
    throw new TypeError('a content security policy directive computed per request (a nonce) cannot be computed once');
  }
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      if (typeof value !== 'string') throw new TypeError(`helmet set ${name} to a ${typeof value}; only fixed string headers can be computed once`);
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

/**
 * Security headers on every response (helmet's: `nosniff`, `frame-ancestors 'none'`, no referrer;
 * HSTS only on requests that came over TLS, directly or through a TLS-terminating proxy, since
 * browsers ignore it over plain HTTP), and the per-address rate limit (@fastify/rate-limit) before
 * anything else runs. The per-principal limit is {@link PrincipalRateLimitGuard}, once the token is
 * verified: an unverified claim must not spend another user's quota.
 */
export function registerSecurity(adapter: FastifyAdapter, config: SecurityConfig): void {
  const fastify = adapter.getInstance();
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    if (request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https') {
      reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
    done();
  });
  void fastify.register(rateLimit, { global: false, timeWindow: config.OKR_RATE_LIMIT_WINDOW_SECONDS * 1000 });
  if (config.OKR_RATE_LIMIT_PER_IP > 0) {
    void fastify.after(() => {
      const limiter = fastify.createRateLimit({ max: config.OKR_RATE_LIMIT_PER_IP, keyGenerator: (request) => `ip:${request.ip}` }) as Limiter;
      fastify.addHook('onRequest', async (request) => {
        const state = await limiter(request);
        if (state.isExceeded) throw new RateLimitedProblem('address', state.max, state.ttlInSeconds);
      });
    });
  }
}

/**
 * The per-principal rate limit (`OKR_RATE_LIMIT_PER_PRINCIPAL` per window, 0 = off), after the token
 * was verified: keyed by tenant and user. Public routes and calls without a principal pass.
 */
@Injectable()
export class PrincipalRateLimitGuard implements CanActivate {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    await countAgainstPrincipalLimit(this.config, context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }
}

/** One limiter per server, so that the guard and the items of an import count in the same window. */
const principalLimiters = new WeakMap<object, Limiter>();

/**
 * Counts one call of the request's principal against `OKR_RATE_LIMIT_PER_PRINCIPAL`; throws 429
 * when the window is used up. Requests without a principal (and a limit of 0) pass.
 */
export async function countAgainstPrincipalLimit(config: Pick<PlatformConfig, 'OKR_RATE_LIMIT_PER_PRINCIPAL'>, request: FastifyRequest): Promise<void> {
  if (config.OKR_RATE_LIMIT_PER_PRINCIPAL <= 0 || !request.principal) return;
  let limiter = principalLimiters.get(request.server);
  if (!limiter) {
    limiter = request.server.createRateLimit({
      max: config.OKR_RATE_LIMIT_PER_PRINCIPAL,
      keyGenerator: (r) => {
        const p = (r as FastifyRequest & { principal?: Principal }).principal;
        return `principal:${JSON.stringify([p?.tenantId, p?.userId])}`;
      },
    }) as Limiter;
    principalLimiters.set(request.server, limiter);
  }
  const state = await limiter(request);
  if (state.isExceeded) throw new RateLimitedProblem('principal', state.max, state.ttlInSeconds);
}

/**
 * `Cache-Control: no-store` on responses that show a secret once (routes marked
 * `@NotIdempotentlyStored()`): no cache, browser or proxy may keep a copy.
 */
@Injectable()
export class NoStoreForSecretsInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && this.reflector.getAllAndOverride<boolean>(IDEMPOTENCY_OFF, [context.getHandler(), context.getClass()])) {
      context.switchToHttp().getResponse<FastifyReply>().header('Cache-Control', 'no-store');
    }
    return next.handle();
  }
}
