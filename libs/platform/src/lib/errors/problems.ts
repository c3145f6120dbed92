import { HttpException, HttpStatus } from '@nestjs/common';

/** One bad input field: a dotted path such as `keyResults[0].title`, and why. */
export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 `application/problem+json` body as this platform sends it. */
export interface ProblemDocument {
  /** `urn:okr:problem:<code>` for problems of this platform, `about:blank` for plain HTTP errors. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path the problem is about. */
  instance: string;
  /** Stable kebab-case code clients can branch on, e.g. `objective-closed`. */
  code?: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  correlationId: string;
}

/** Media type of every error response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The `type` URI of a problem code. */
export const problemType = (code: string): string => `urn:okr:problem:${code}`;

export interface ProblemInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  /** Response headers to send with the problem, e.g. `WWW-Authenticate`. */
  headers?: Record<string, string>;
  /** The underlying error, logged for 5xx problems and never sent. */
  cause?: unknown;
}

/**
 * An HTTP problem with a stable code. Throw it (or a subclass) anywhere in a request; the
 * `ProblemDetailsFilter` turns it into a problem+json response.
 */
export class Problem extends HttpException {
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: ProblemInit) {
    super(init.detail, init.status, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.details = init.details;
    this.headers = init.headers ?? {};
  }
}

/**
 * Most field errors one problem reports. A body of a hundred thousand bad array elements would
 * otherwise answer with one entry each: a response many times the size of the request.
 */
export const MAX_REPORTED_ERRORS = 50;

/**
 * 400: the request's input is invalid; `errors` names each bad field, the first
 * {@link MAX_REPORTED_ERRORS} of them, and `details.omittedErrors` says how many more there were.
 */
export class ValidationProblem extends Problem {
  constructor(errors: FieldError[], detail?: string) {
    const shown = errors.slice(0, MAX_REPORTED_ERRORS);
    const omitted = errors.length - shown.length;
    const described = detail ?? describeFields(shown);
    super({
      status: HttpStatus.BAD_REQUEST,
      code: 'validation-failed',
      title: 'Invalid request',
      detail: omitted > 0 ? `${described} ${omitted} more errors are not shown.` : described,
      errors: shown,
      ...(omitted > 0 ? { details: { omittedErrors: omitted } } : {}),
    });
  }
}

/** 401: no credentials, or credentials that do not prove who is calling. */
export class UnauthenticatedProblem extends Problem {
  constructor(detail = 'A bearer token is required.', invalidToken = false) {
    super({
      status: HttpStatus.UNAUTHORIZED,
      code: invalidToken ? 'invalid-token' : 'unauthenticated',
      title: 'Unauthorized',
      detail,
      headers: { 'WWW-Authenticate': invalidToken ? 'Bearer error="invalid_token"' : 'Bearer' },
    });
  }
}

/** 403: the caller is known but may not do this. */
export class ForbiddenProblem extends Problem {
  constructor(detail: string, code = 'forbidden') {
    super({ status: HttpStatus.FORBIDDEN, code, title: 'Forbidden', detail });
  }
}

/** 409: the request conflicts with the current state (stale revision, reused key...). */
export class ConflictProblem extends Problem {
  constructor(code: string, detail: string, details?: Record<string, unknown>) {
    super({ status: HttpStatus.CONFLICT, code, title: 'Conflict', detail, ...(details ? { details } : {}) });
  }
}

/** 409: an `Idempotency-Key` was used before with another request. */
export class IdempotencyKeyReusedError extends ConflictProblem {
  constructor() {
    super('idempotency-key-reused', 'This Idempotency-Key was already used with a different request. Use a new key.');
  }
}

/** 409: a request with the same `Idempotency-Key` is still being processed; `Retry-After` says when to ask again. */
export class IdempotencyKeyInFlightError extends Problem {
  constructor(retryAfterSeconds = 1) {
    super({
      status: HttpStatus.CONFLICT,
      code: 'idempotency-key-in-flight',
      title: 'Conflict',
      detail: 'A request with this Idempotency-Key is still being processed. Retry after it has finished.',
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

/**
 * 409: the first request with this `Idempotency-Key` changed state but its answer was lost (it failed
 * after writing, or its process stopped). It is never run again: read the resource to see the result.
 */
export class IdempotencyOutcomeLostError extends ConflictProblem {
  constructor(correlationId: string, eventsApplied: number) {
    super(
      'idempotency-outcome-lost',
      `The first request with this Idempotency-Key (correlation id ${correlationId}) was applied, but its answer was lost. ` +
        'It will not run again: read the resource to see the result, or send a new key for a new change.',
      { correlationId, eventsApplied },
    );
  }
}

/**
 * 409 `idempotency-outcome-lost` as well: the first request with this `Idempotency-Key` was applied, but
 * its answer held personal data that has since been erased, so it cannot be replayed. It never runs again.
 */
export class IdempotentResponseErasedError extends ConflictProblem {
  constructor(correlationId: string) {
    super(
      'idempotency-outcome-lost',
      `The first request with this Idempotency-Key (correlation id ${correlationId}) was applied, but its answer held personal data that has since been erased. ` +
        'It will not run again: read the resource to see the result, or send a new key for a new change.',
      { correlationId, reason: 'personal-data-erased' },
    );
  }
}

function describeFields(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((e) => e.field))];
  return fields.length === 0 ? 'The request is invalid.' : `Invalid value for ${fields.join(', ')}.`;
}

/** Seconds a caller waits before asking again while a view catches up. */
export const VIEW_RETRY_AFTER_SECONDS = 1;

/**
 * 503 `view-catching-up`: the answer depends on a read model that has not applied yet everything its
 * topic holds (a new pod, a new read-model version reading the log from its start, or a write moments
 * ago), so answering now could deny or leave out something that exists. `detail` says what cannot be
 * told yet; `Retry-After` says when to ask again.
 */
export class ViewCatchingUpProblem extends Problem {
  constructor(detail: string, details: Record<string, unknown>) {
    super({
      status: HttpStatus.SERVICE_UNAVAILABLE,
      code: 'view-catching-up',
      title: 'Service Unavailable',
      detail,
      details,
      headers: { 'Retry-After': String(VIEW_RETRY_AFTER_SECONDS) },
    });
  }
}
