import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Problem } from '../errors/problems';
import { requiresAuthentication } from './jwt-auth.guard';
import { PERMISSION, type PermissionDeclaration, type PermissionRequest, type ResourceResolver } from './permission.decorator';
import { authorize, needsResource, type Decision } from './permissions';
import { IS_PUBLIC, principalOf, type Principal } from './principal';

/** 403: the caller may not use the route's permission; names it and who holds it. */
export class PermissionDeniedProblem extends Problem {
  constructor(decision: Extract<Decision, { allowed: false }>) {
    super({
      status: HttpStatus.FORBIDDEN,
      code: 'permission-denied',
      title: 'Forbidden',
      detail: decision.detail,
      details: { permission: decision.permission, requires: decision.requires },
    });
  }
}

/** 403: a route under `/api/` that declares no permission is refused to everyone, so none is forgotten open. */
export class PermissionNotDeclaredProblem extends Problem {
  constructor(method: string, path: string) {
    super({
      status: HttpStatus.FORBIDDEN,
      code: 'permission-not-declared',
      title: 'Forbidden',
      detail: `${method} ${path} declares no permission, so it is refused to everyone.`,
    });
  }
}

/**
 * The one authorization guard of every service, registered after `JwtAuthGuard` by `PlatformModule`.
 * On authenticated routes it reads the route's `@Permission()`, resolves the resource through the
 * service's resolver when ownership matters, and lets `authorize()` decide. It runs before pipes,
 * interceptors and handlers, so a refused request records nothing.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    @InjectPinoLogger(PermissionGuard.name) private readonly logger: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    if (!requiresAuthentication(path)) return true;

    const declaration = this.reflector.get<PermissionDeclaration | undefined>(PERMISSION, context.getHandler());
    if (!declaration) {
      this.logger.error({ method: request.method, route: path }, 'Route declares no permission; refused');
      throw new PermissionNotDeclaredProblem(request.method, path);
    }
    const raw = { params: (request.params ?? {}) as Record<string, string>, body: request.body, query: request.query };
    await checkPermission(declaration, principalOf(request), raw, this.moduleRef);
    return true;
  }
}

/**
 * Decides a route's declared permission for a principal, resolving the resource through the
 * service's resolver when ownership matters; throws {@link PermissionDeniedProblem} when refused.
 * The guard's rule, also applied to each item of an import.
 */
export async function checkPermission(
  declaration: PermissionDeclaration,
  principal: Principal,
  request: PermissionRequest,
  moduleRef: ModuleRef,
): Promise<void> {
  let decision = authorize(principal, declaration.permission);
  if (!decision.allowed && declaration.resolver && needsResource(principal, declaration.permission)) {
    const resolver = moduleRef.get<ResourceResolver>(declaration.resolver, { strict: false });
    const facts = await resolver.resolve(request, principal);
    decision = authorize(principal, declaration.permission, facts);
  }
  if (!decision.allowed) throw new PermissionDeniedProblem(decision);
}
