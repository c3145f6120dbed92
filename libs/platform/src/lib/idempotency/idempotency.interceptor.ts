import {
  applyDecorators,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { catchError, defer, from, mergeMap, of, throwError, type Observable } from 'rxjs';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  IdempotencyOutcomeLostError,
  IdempotentResponseErasedError,
  ValidationProblem,
} from '../errors/problems';
import {
  IDEMPOTENCY_STORE,
  idempotencyScope,
  requestFingerprint,
  type IdempotencyClaimRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotencyTicket,
} from './idempotency-store';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set to `true` on a response that is a replay of the first one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEPT_HEADERS = ['location', 'etag'];
const VALID_KEY = /^[\x21-\x7E]([\x20-\x7E]{0,198}[\x21-\x7E])?$/;

/** Metadata key set by {@link NotIdempotentlyStored}. */
export const IDEMPOTENCY_OFF = 'okr:idempotency-off';

/** How {@link NotIdempotentlyStored} marks an operation of the OpenAPI document (read, then removed, by `documentIdempotencyKeys`). */
export const IDEMPOTENCY_OFF_EXTENSION = 'x-okr-idempotency-key-ignored';

/**
 * Marks a write whose response must never be kept (it shows a secret once, e.g. a webhook's signing
 * secret): the interceptor lets it through without storing or replaying, and says so with the
 * response header `Idempotency-Key-Ignored: true`.
 */
export const NotIdempotentlyStored = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IDEMPOTENCY_OFF, true), ApiExtension(IDEMPOTENCY_OFF_EXTENSION, true));

/**
 * `Idempotency-Key` for writes (POST, PUT, PATCH, DELETE; other requests and requests without the
 * header pass through). The key (1-200 printable ASCII characters) is scoped by tenant, user, method
 * and declared route: another user's request with the same key is another request.
 *
 * The key is claimed in the {@link IdempotencyStore} BEFORE the handler runs, so exactly one request
 * per key runs, across every replica sharing the store. Then:
 * - the first 2xx response is kept with its `Location` and `ETag`; a retry with the same request
 *   (method, URL, canonical JSON body) gets it back with `Idempotent-Replayed: true`, running nothing;
 * - a request that fails releases the key when it wrote nothing (a retry runs again), and records
 *   its outcome as lost when it did (retries get 409 `idempotency-outcome-lost`, never a second run);
 * - a retry while the first request runs gets 409 `idempotency-key-in-flight` with `Retry-After`;
 *   if the first request's process died, the claim's lease (60 s) ends and the next retry settles it
 *   as above (released when nothing was written, outcome-lost when something was).
 * The same key with another request is 409 `idempotency-key-reused`. A kept answer that held personal
 * data of a person erased since cannot be replayed: retries get 409 `idempotency-outcome-lost` (reason
 * `personal-data-erased`), never a second run.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @InjectPinoLogger(IdempotencyInterceptor.name) private readonly logger: PinoLogger,
    @Optional() private readonly reflector?: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (!WRITE_METHODS.has(request.method) || header === undefined) return next.handle();
    if (this.reflector?.getAllAndOverride<boolean>(IDEMPOTENCY_OFF, [context.getHandler(), context.getClass()])) {
      reply.header('Idempotency-Key-Ignored', 'true');
      return next.handle();
    }

    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !VALID_KEY.test(key)) {
      throw new ValidationProblem([{ field: 'Idempotency-Key', message: 'must be 1 to 200 printable ASCII characters' }]);
    }
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const tenantId = request.principal?.tenantId ?? '-';
    const actor = request.principal?.userId ?? '-';
    const claim: IdempotencyClaimRequest = {
      fingerprint: requestFingerprint(request.method, request.url, request.body),
      tenantId,
      actor,
      correlationId: String(request.id),
    };
    const scope = idempotencyScope(tenantId, actor, request.method, route, key);

    return defer(() => this.store.claim(scope, claim, new Date())).pipe(
      mergeMap((outcome) => {
        if (outcome.kind === 'claimed') return this.run(outcome.ticket, reply, next);
        const first = outcome.kind === 'completed' ? outcome.record : outcome.claim;
        if (first.fingerprint !== claim.fingerprint) throw new IdempotencyKeyReusedError();
        if (outcome.kind === 'completed') {
          if (outcome.record.bodyErased) throw new IdempotentResponseErasedError(outcome.record.correlationId);
          return of(replay(reply, outcome.record));
        }
        if (outcome.kind === 'outcome-lost') throw new IdempotencyOutcomeLostError(outcome.claim.correlationId, outcome.eventsApplied);
        // Most requests finish within a second; a dead holder's claim is settled once its lease ends.
        throw new IdempotencyKeyInFlightError(1);
      }),
    );
  }

  /** Runs the claimed request and settles its claim: the response kept, or the failure recorded. */
  private run(ticket: IdempotencyTicket, reply: FastifyReply, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      mergeMap((body) => from(this.remember(ticket, reply, body))),
      catchError((error: unknown) => from(this.settleFailure(ticket)).pipe(mergeMap(() => throwError(() => error)))),
    );
  }

  private async remember(ticket: IdempotencyTicket, reply: FastifyReply, body: unknown): Promise<unknown> {
    const status = reply.statusCode;
    if (status < 200 || status > 299 || !isJsonBody(body)) {
      // Nothing to replay: settle the claim as a failure would (released, or outcome-lost if it wrote).
      await this.settleFailure(ticket);
      return body;
    }
    const { claim } = ticket;
    const record: IdempotencyRecord = {
      fingerprint: claim.fingerprint,
      status,
      ...(body === undefined ? {} : { body: JSON.parse(JSON.stringify(body)) as unknown }),
      headers: keptHeaders(reply),
      storedAt: new Date().toISOString(),
      tenantId: claim.tenantId,
      actor: claim.actor,
      correlationId: claim.correlationId,
    };
    try {
      if (!(await this.store.complete(ticket, record))) {
        this.logger.warn({ correlationId: claim.correlationId }, 'Idempotency-Key claim was settled by another request after its lease ended');
      }
    } catch (error) {
      // The write succeeded; only its replay is lost. Answer it rather than fail it.
      this.logger.error({ err: error }, 'Could not store the idempotent response');
    }
    return body;
  }

  private async settleFailure(ticket: IdempotencyTicket): Promise<void> {
    try {
      await this.store.fail(ticket);
    } catch (error) {
      // The claim stays until its lease ends; the next request with the key settles it then.
      this.logger.error({ err: error }, 'Could not settle a failed idempotent request');
    }
  }
}

function replay(reply: FastifyReply, record: IdempotencyRecord): unknown {
  reply.status(record.status);
  for (const [name, value] of Object.entries(record.headers)) reply.header(name, value);
  reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return record.body;
}

function keptHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

const isJsonBody = (body: unknown): boolean =>
  !(body instanceof StreamableFile || body instanceof Uint8Array || typeof (body as { pipe?: unknown })?.pipe === 'function');
