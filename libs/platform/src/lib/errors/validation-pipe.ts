import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { ValidationProblem, type FieldError } from './problems';

/**
 * The platform's input validation: unknown properties are rejected, payloads become DTO instances,
 * and a failure is a 400 {@link ValidationProblem} naming each bad field by its path
 * (`keyResults[0].title`), nested objects and arrays included.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The value is read by fieldErrors (a missing field says so) and never sent back to the caller.
    validationError: { target: false, value: true },
    exceptionFactory: (errors: ValidationError[]) => new ValidationProblem(fieldErrors(errors)),
  });
}

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
