import {
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
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { defer, finalize, from, mergeMap, of, type Observable } from 'rxjs';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, ValidationProblem } from '../errors/problems';
import {
  IDEMPOTENCY_STORE,
  idempotencyScope,
  requestFingerprint,
  type IdempotencyRecord,
  type IdempotencyStore,
} from './idempotency-store';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set to `true` on a response that is a replay of the first one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEPT_HEADERS = ['location', 'etag'];
const VALID_KEY = /^[\x21-\x7E]([\x20-\x7E]{0,198}[\x21-\x7E])?$/;

/** Metadata key set by {@link NotIdempotentlyStored}. */
export const IDEMPOTENCY_OFF = 'okr:idempotency-off';

/**
 * Marks a write whose response must never be kept (it shows a secret once, e.g. a webhook's signing
 * secret): the interceptor lets it through without storing or replaying, and says so with the
 * response header `Idempotency-Key-Ignored: true`.
 */
export const NotIdempotentlyStored = (): MethodDecorator & ClassDecorator => SetMetadata(IDEMPOTENCY_OFF, true);

interface Attempt {
  scope: string;
  fingerprint: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * `Idempotency-Key` for writes (POST, PUT, PATCH, DELETE; other requests and requests without the
 * header pass through). The key (1-200 printable ASCII characters) is scoped by tenant, method and
 * declared route. The first 2xx response is stored with its `Location` and `ETag`; a retry with the
 * same key and the same request (method, URL, canonical JSON body) gets it back with
 * `Idempotent-Replayed: true` and the handler does not run, so nothing is appended. The same key with
 * another request is 409 `idempotency-key-reused`. Errors are not stored: a failed command wrote
 * nothing, so a retry runs again.
 *
 * Concurrent duplicates: while a request holds a key in this process, another with the same key gets
 * 409 `idempotency-key-in-flight` at once (retry later) instead of waiting. Across processes the store
 * decides: the first response stored wins and is the one later retries get.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Set<string>();

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
    const attempt: Attempt = {
      scope: idempotencyScope(tenantId, request.method, route, key),
      fingerprint: requestFingerprint(request.method, request.url, request.body),
      request,
      reply,
    };

    return defer(() => this.begin(attempt)).pipe(
      mergeMap((stored) =>
        stored
          ? of(replay(reply, stored))
          : next.handle().pipe(
              mergeMap((body) => from(this.remember(attempt, body))),
              finalize(() => this.inFlight.delete(attempt.scope)),
            ),
      ),
    );
  }

  /** Claims the key in this process; returns the stored response to replay, if any. */
  private async begin({ scope, fingerprint }: Attempt): Promise<IdempotencyRecord | undefined> {
    if (this.inFlight.has(scope)) throw new IdempotencyKeyInFlightError();
    this.inFlight.add(scope);
    try {
      const stored = await this.store.get(scope);
      if (stored === undefined) return undefined;
      this.inFlight.delete(scope);
      if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      return stored;
    } catch (error) {
      this.inFlight.delete(scope);
      throw error;
    }
  }

  private async remember({ scope, fingerprint, request, reply }: Attempt, body: unknown): Promise<unknown> {
    const status = reply.statusCode;
    if (status < 200 || status > 299 || !isJsonBody(body)) return body;
    const record: IdempotencyRecord = {
      fingerprint,
      status,
      ...(body === undefined ? {} : { body: JSON.parse(JSON.stringify(body)) as unknown }),
      headers: keptHeaders(reply),
      storedAt: new Date().toISOString(),
      tenantId: request.principal?.tenantId ?? '-',
      actor: request.principal?.userId ?? '-',
      correlationId: String(request.id),
    };
    try {
      const stored = await this.store.put(scope, record);
      if (stored === record) return body;
      // Another process ran the same request at the same time and stored first.
      this.logger.warn({ storedBy: stored.correlationId }, 'Idempotency-Key raced with another process');
      return stored.fingerprint === fingerprint ? replay(reply, stored) : body;
    } catch (error) {
      // The write succeeded; only its replay is lost. Answer it rather than fail it.
      this.logger.error({ err: error }, 'Could not store the idempotent response');
      return body;
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
