import { ValidationProblem } from '../errors/problems';
import type { PermissionRequest } from './permission.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID path parameter, for a resolver: a 400 naming the parameter otherwise, as the route's own
 * `ParseUUIDPipe` would answer (the guard runs before pipes).
 */
export function uuidParam(request: PermissionRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined || !UUID.test(value)) throw new ValidationProblem([{ field: name, message: `${name} must be a UUID` }]);
  return value;
}

/** A string field of the raw body, as sent; undefined when absent, blank or not a string. */
export function bodyString(request: PermissionRequest, field: string): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** {@link bodyString}, required: a 400 naming the field when it is missing. */
export function requiredBodyString(request: PermissionRequest, field: string): string {
  const value = bodyString(request, field);
  if (value === undefined) throw new ValidationProblem([{ field, message: `${field} must be a non-empty string` }]);
  return value;
}
