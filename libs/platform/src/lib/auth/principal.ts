import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UnauthenticatedProblem } from '../errors/problems';

/** Who is calling: taken from a verified bearer token. */
export interface Principal {
  /** The tenant the caller acts for (the configured tenant claim, `tenant` by default). */
  readonly tenantId: string;
  /** The token subject (`sub`). */
  readonly userId: string;
  readonly roles: readonly string[];
  readonly teams: readonly string[];
  /** Set when the caller is a service account (an API key): what it may feed. */
  readonly serviceAccount?: {
    readonly id: string;
    readonly name: string;
    readonly scope: { readonly teams: readonly string[]; readonly keyResultIds: readonly string[] };
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `JwtAuthGuard` on authenticated routes. */
    principal?: Principal;
  }
}

/** Metadata key set by {@link Public}. */
export const IS_PUBLIC = 'okr:public';

/** Opts a controller or route out of `JwtAuthGuard`. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The principal of an authenticated request.
 * @throws UnauthenticatedProblem (401) when the guard did not authenticate the request.
 */
export function principalOf(request: Pick<FastifyRequest, 'principal'>): Principal {
  if (!request.principal) throw new UnauthenticatedProblem();
  return request.principal;
}

/** Parameter decorator giving the request's {@link Principal}. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => principalOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
