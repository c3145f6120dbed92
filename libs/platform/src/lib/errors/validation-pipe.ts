import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { ValidationProblem, type FieldError } from './problems';

/**
 * The platform's input validation: unknown properties are rejected, payloads become DTO instances,
 * and a failure is a 400 {@link ValidationProblem} naming each bad field by its path
 * (`keyResults[0].title`), nested objects and arrays included.
 */
export function validationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The value is read by fieldErrors (a missing field says so) and never sent back to the caller.
    validationError: { target: false, value: true },
    exceptionFactory: (errors: ValidationError[]) => new ValidationProblem(fieldErrors(errors)),
  });
}

/**
 * Most reads come without a query string (`GET /objectives/{id}` with no `?asOf`), and validating an
 * empty query against its DTO gives the same answer every time: it is validated once per DTO, and
 * later empty queries get a copy of that first instance (class-transformer and class-validator were
 * about a twentieth of a GET's CPU). Only a DTO whose empty instance holds nothing but primitives is
 * copied this way; anything else, and every non-empty query, goes through the whole pipe.
 */
class PlatformValidationPipe extends ValidationPipe {
  private readonly emptyQueries = new Map<Type<unknown>, object>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.type === 'query' ? metadata.metatype : undefined;
    if (!dto || !isEmptyObject(value)) return super.transform(value, metadata);
    const seen = this.emptyQueries.get(dto);
    if (seen) return Object.assign(Object.create(Object.getPrototypeOf(seen) as object | null) as object, seen);
    const instance: unknown = await super.transform(value, metadata);
    if (instance instanceof dto && Object.values(instance).every((field) => field === null || typeof field !== 'object')) {
      this.emptyQueries.set(dto, Object.assign(Object.create(Object.getPrototypeOf(instance) as object | null) as object, instance));
    }
    return instance;
  }
}

const isEmptyObject = (value: unknown): boolean => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const _ in value) return false;
  return true;
};

/**
 * Flattens class-validator's error tree into one entry per broken constraint, with dotted paths. A
 * required field that is missing (or null) gets one entry saying so: its other constraints ("must be
 * shorter than 200 characters", "must be a string") describe a value that was never given.
 */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const constraints = Object.values(error.constraints ?? {});
    const unknownProperty = error.constraints !== undefined && 'whitelistValidation' in error.constraints;
    if (constraints.length > 0 && !unknownProperty && (error.value === undefined || error.value === null)) {
      return [{ field, message: `${field} is required` }];
    }
    const own = constraints.map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  if (!/^[A-Za-z_$][\w$]*$/.test(property)) return `${parent}[${JSON.stringify(property)}]`;
  return parent === '' ? property : `${parent}.${property}`;
}
