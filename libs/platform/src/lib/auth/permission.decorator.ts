import { SetMetadata, type Type } from '@nestjs/common';
import type { Principal } from './principal';
import { PERMISSIONS, type PermissionName, type ResourceFacts } from './permissions';

/** What a resolver may read of the request: raw, before validation (guards run before pipes). */
export interface PermissionRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly query: unknown;
}

/**
 * Finds the facts of the resource a request acts on (its owning teams and owners), in the service
 * that owns the data. Provided by the service's module; named by `@Permission(name, Resolver)`.
 * Throws the service's 404 problem when the resource does not exist in the caller's tenant, and a
 * 400 when the request does not name it properly.
 */
export interface ResourceResolver {
  resolve(request: PermissionRequest, principal: Principal): Promise<ResourceFacts>;
}

export interface PermissionDeclaration {
  readonly permission: PermissionName;
  readonly resolver?: Type<ResourceResolver>;
}

/** Metadata key of {@link Permission}. */
export const PERMISSION = 'okr:permission';

/**
 * The one permission declaration of a route, enforced by `PermissionGuard` before anything runs.
 * Permissions that depend on ownership (`owning-team`) name the service's resolver of the resource.
 * A route under `/api/` without a declaration is refused to everyone.
 */
export function Permission(permission: PermissionName, resolver?: Type<ResourceResolver>): MethodDecorator {
  if (PERMISSIONS[permission].requirement === 'owning-team' && !resolver) {
    throw new Error(`@Permission('${permission}') needs a resolver of the resource it is about`);
  }
  const declaration: PermissionDeclaration = resolver ? { permission, resolver } : { permission };
  return SetMetadata(PERMISSION, declaration);
}
