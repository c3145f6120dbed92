import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandContext } from '@okr/event-store';
import { principalOf, type Principal } from '../auth/principal';
import { requestTraceparent } from './http-observability';
import { importedWriteOf } from './import-headers';

/**
 * The request as a command context: the token's tenant and user, the request's correlation id and
 * the `traceparent` of its server span (so the events it writes continue the request's trace). A
 * write replayed by the import controller keeps its original time (`now`) and author, and is marked
 * with the time of import (`importedAt`).
 */
export function commandContext(principal: Principal, request: FastifyRequest): CommandContext {
  const traceparent = requestTraceparent(request);
  const imported = importedWriteOf(request);
  return {
    tenantId: principal.tenantId,
    actor: imported?.actor ?? principal.userId,
    correlationId: String(request.id),
    ...(traceparent ? { traceparent } : {}),
    ...(imported ? { now: imported.at, importedAt: new Date().toISOString() } : {}),
  };
}

/**
 * Reads `If-Match: "7"` (or `W/"7"`) as the stream revision the client saw. `*` or no header means
 * "whatever is current". Anything else is a 400 naming the header.
 */
export function expectedRevisionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(ifMatch);
  if (!match) {
    throw new BadRequestException({
      message: 'If-Match must be an ETag returned by this API, e.g. "3"',
      errors: [{ field: 'If-Match', message: 'must be an ETag such as "3"' }],
    });
  }
  return Number(match[1]);
}

/** OpenAPI description of the optional `If-Match` header of a write route (`@ApiHeader(IF_MATCH_HEADER)`). */
export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'ETag of the revision you saw; 409 if stale',
} as const;

export const etag = (revision: number): string => `"${revision}"`;

export function setRevisionHeaders(reply: FastifyReply, revision: number | 'no_stream', location?: string): void {
  if (revision !== 'no_stream') reply.header('ETag', etag(revision));
  if (location) reply.header('Location', location);
}

/** Everything a write route needs from its request: who, in which causal chain, at which revision. */
export interface WriteRequest {
  context: CommandContext;
  principal: Principal;
  expectedRevision: number | undefined;
  reply: FastifyReply;
}

/** Parameter decorator giving a {@link WriteRequest}; the auth guard has already run. */
export const Write = createParamDecorator((_: unknown, ctx: ExecutionContext): WriteRequest => {
  const http = ctx.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  const principal = principalOf(request);
  const ifMatch = request.headers['if-match'];
  return {
    context: commandContext(principal, request),
    principal,
    expectedRevision: expectedRevisionFrom(Array.isArray(ifMatch) ? ifMatch[0] : ifMatch),
    reply: http.getResponse<FastifyReply>(),
  };
});
