import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';

/** Header that carries the correlation id in and out. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const VALID_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether a caller-supplied correlation id may be adopted (1-128 of `A-Za-z0-9._:-`). */
export const isValidCorrelationId = (value: unknown): value is string =>
  typeof value === 'string' && VALID_CORRELATION_ID.test(value);

/**
 * Fastify's `genReqId`: the caller's `X-Correlation-Id` when it is valid, else a new UUID v7. The
 * result becomes `request.id`, which pino-http, the problem filter and command metadata all use.
 */
export function genCorrelationId(req: Pick<IncomingMessage, 'headers'>): string {
  const header = req.headers[CORRELATION_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  return isValidCorrelationId(candidate) ? candidate : uuidv7();
}

/** Echoes each request's correlation id in the `X-Correlation-Id` response header, errors included. */
export function echoCorrelationId(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_ID_HEADER, String(request.id));
    done();
  });
}

/** The correlation id of a request (its `request.id`, set by {@link genCorrelationId}). */
export const correlationIdOf = (request: Pick<FastifyRequest, 'id'>): string => String(request.id);

/** Parameter decorator: the correlation id of the current request, for command metadata. */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  correlationIdOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
