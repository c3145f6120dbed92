import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDocument } from './problems';

/**
 * Fastify answers some requests before any route, hook or Nest filter sees them: a URL that does not
 * decode, a path parameter longer than the router takes, and (from Node's HTTP parser, on the socket)
 * a request line or headers that are too large or malformed. These options make those answers
 * problem+json like every other error of the platform.
 */
export function frameworkErrorOptions(): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return { frameworkErrors, clientErrorHandler };
}

function frameworkErrors(error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const problem = tooLong
    ? document(414, 'uri-too-long', 'A path segment of the URL is longer than this service accepts.', request.id)
    : document(400, 'malformed-url', 'The URL is not valid: it does not decode as UTF-8 percent-encoding.', request.id);
  reply.status(problem.status).header('x-correlation-id', problem.correlationId).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Node's `clientError`: the request never became one (no route, no request id). Answers on the
 * socket, as Node and Fastify do, and closes it. A request line that overflows the header limit is a
 * URL too long (414); headers that do are 431.
 */
function clientErrorHandler(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let problem: ProblemDocument;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    problem = document(408, 'request-timeout', 'The request was not received in time.');
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    problem = !requestLineOverflows(error.rawPacket)
      ? document(431, 'headers-too-large', 'The request headers are larger than this service accepts.')
      : document(414, 'uri-too-long', 'The URL is longer than this service accepts.');
  } else {
    problem = document(400, 'malformed-request', 'The request is not valid HTTP.');
  }
  if (socket.writable) {
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Correlation-Id: ${problem.correlationId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Whether the bytes Node's parser choked on are a request line (method, URL) that alone exceeds the header limit. */
function requestLineOverflows(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet)) return false;
  const end = packet.indexOf('\r\n');
  return end < 0 || end >= maxHeaderSize;
}

function document(status: number, code: string, detail: string, correlationId: unknown = uuidv7()): ProblemDocument {
  return {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Bad Request',
    status,
    detail,
    code,
    // The URL is what could not be read: it is not repeated.
    instance: '/',
    correlationId: String(correlationId),
  };
}
