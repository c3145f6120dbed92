import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

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
