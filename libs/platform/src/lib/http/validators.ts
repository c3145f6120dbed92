import { registerDecorator, ValidateIf, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** An ISO-8601 date or instant as query parameters take it (`2026-10-12`, `2026-10-12T09:30:00Z`). */
export const ISO_DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Rejects a field that does not belong to the key-result kind (e.g. a `threshold` on an `increase`),
 * instead of silently ignoring it.
 */
export function NotFor(kinds: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    const property = String(propertyKey);
    registerDecorator({
      name: 'notFor',
      target: target.constructor,
      propertyName: property,
      options: {
        message: (args: ValidationArguments) =>
          `${property} does not apply to a ${(args.object as { kind?: string }).kind} key result`,
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || !kinds.includes((args.object as { kind?: string }).kind ?? ''),
      },
    });
  };
}

/**
 * Like `@IsOptional()`, but only for a property left out: `null` is validated like any other value
 * (and refused by the property's type check). `@IsOptional()` lets `null` through, which handlers
 * that default only `undefined` then read as a list or an object.
 */
export function Omittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}
