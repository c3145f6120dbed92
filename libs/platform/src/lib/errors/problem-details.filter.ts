import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WrongExpectedRevisionError } from '@okr/event-store';
import { DomainError } from '@okr/okr-domain';
import { MAX_REPORTED_ERRORS, PROBLEM_CONTENT_TYPE, Problem, problemType, type FieldError, type ProblemDocument } from './problems';

/** A problem document without what only the request knows (`instance`, `correlationId`). */
export type ProblemBody = Omit<ProblemDocument, 'instance' | 'correlationId'>;

/** Fastify's own client errors, which reach the filter as an HttpException with the Fastify error as cause. */
const FASTIFY_PROBLEMS: Record<string, { code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload-too-large', detail: 'The request body is larger than this service accepts.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed-json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed-json', detail: 'The request body is empty but declared as JSON.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported-media-type', detail: 'The request body has a media type this service does not read.' },
};

/**
 * Turns every error of an HTTP request into an RFC 9457 `application/problem+json` response:
 * {@link Problem}s as they are, `DomainError` (404 not-found, 422 rule-broken), the event store's
 * `WrongExpectedRevisionError` (409), Nest and Fastify HTTP errors (400 malformed JSON, 413 body too
 * large, ...), and anything else as a 500 that is logged with its stack and never shows it.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger(ProblemDetailsFilter.name) private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const correlationId = String(request.id);
    const body = problemOf(exception);

    if (body.status >= 500) {
      this.logger.error(
        {
          err: exception instanceof HttpException && exception.cause instanceof Error ? exception.cause : exception,
          method: request.method,
          url: request.url,
        },
        'Request failed with an unexpected error',
      );
    }
    if (reply.sent) return;
    const document: ProblemDocument = { ...body, instance: request.url.split('?')[0] ?? '/', correlationId };
    if (exception instanceof Problem) reply.headers(exception.headers);
    reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(document);
  }
}

/**
 * The problem an error answers with, as {@link ProblemDetailsFilter} sends it (also used for the items
 * of an import, which are not requests of their own).
 */
export function problemOf(exception: unknown): ProblemBody {
  if (exception instanceof Problem) {
    const { code, title, detail, errors, details } = exception;
    return { type: problemType(code), title, status: exception.getStatus(), detail, code, errors, details };
  }
  if (exception instanceof DomainError) {
    const notFound = exception.kind === 'not-found';
    return {
      type: problemType(exception.code),
      title: notFound ? 'Not found' : 'Domain rule broken',
      status: notFound ? HttpStatus.NOT_FOUND : HttpStatus.UNPROCESSABLE_ENTITY,
      detail: exception.message,
      code: exception.code,
      details: exception.details,
    };
  }
  if (exception instanceof WrongExpectedRevisionError) {
    return {
      type: problemType('wrong-expected-revision'),
      title: 'Conflict',
      status: HttpStatus.CONFLICT,
      detail: 'The resource was changed since the revision you sent. Read it again and retry.',
      code: 'wrong-expected-revision',
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  return {
    type: 'about:blank',
    title: STATUS_CODES[500] ?? 'Internal Server Error',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: 'An unexpected error occurred. Quote the correlation id when you report it.',
    code: 'internal-error',
  };
}

function fromHttpException(exception: HttpException): ProblemBody {
  const status = exception.getStatus();
  const title = STATUS_CODES[status] ?? 'Error';
  const fastifyCode = (exception.cause as { code?: unknown } | undefined)?.code;
  const known = typeof fastifyCode === 'string' ? FASTIFY_PROBLEMS[fastifyCode] : undefined;
  if (known) return { type: problemType(known.code), title, status, detail: known.detail, code: known.code };

  const response = exception.getResponse();
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const errors = typeof response === 'object' ? asFieldErrors((response as { errors?: unknown }).errors) : undefined;
  const detail =
    status >= 500
      ? 'An unexpected error occurred. Quote the correlation id when you report it.'
      : Array.isArray(message)
        ? message.map(String).join('; ')
        : typeof message === 'string'
          ? message
          : title;
  return { type: 'about:blank', title, status, detail, code: slug(title), ...(errors ? { errors } : {}) };
}

function asFieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors = value.filter(
    (e): e is FieldError => typeof e?.field === 'string' && typeof e?.message === 'string',
  );
  return errors.length > 0 ? errors.slice(0, MAX_REPORTED_ERRORS).map(({ field, message }) => ({ field, message })) : undefined;
}

const slug = (title: string): string => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
