import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { PlatformConfig } from '../config/platform-config';
import { traceLogFields } from '../tracing/trace-context';
import { genCorrelationId } from './correlation-id';

/**
 * Fields that never reach a log line, censored whole wherever a log object has them: credentials in
 * request headers, and secret fields (`password`, `secret`, `token`) up to two levels into a logged
 * object. Redaction is by field, never by searching for a secret inside other text.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-okr-import-token"]',
  'res.headers["set-cookie"]',
  ...['password', 'secret', 'token'].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export interface PlatformLoggerOptions {
  serviceName: string;
  /** Where JSON lines go; stdout when omitted. Tests pass a stream to read them back. */
  stream?: DestinationStream;
}

/** The key pino-http binds each request under in its per-request child logger; its serializer drops it (see below). */
const UNBOUND_REQUEST = 'unboundRequest';

type RequestWithId = IncomingMessage & { id?: unknown; originalUrl?: string };

/**
 * pino-http options of the platform: JSON lines with an ISO time and a level label, the service name,
 * the request's correlation id on every line logged while serving it (`correlationId`), the active
 * span's `trace_id` and `span_id` on every line logged inside one, and no credentials. Health
 * probes are not logged on completion; they come every few seconds.
 */
export function platformPinoHttpOptions(
  config: Pick<PlatformConfig, 'LOG_LEVEL'>,
  serviceName: string,
): Options<IncomingMessage, ServerResponse> {
  return {
    level: config.LOG_LEVEL,
    base: { service: serviceName, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line written inside a span (a request, an event's handling, a delivery) names it.
    mixin: traceLogFields,
    // Fastify's genReqId already chose the id (see createPlatformAdapter); this covers other adapters.
    genReqId: (req) => {
      const id = (req as RequestWithId).id;
      return typeof id === 'string' && id !== '' ? id : genCorrelationId(req);
    },
    // Lines logged while serving a request carry only its id, named `correlationId`; the completion
    // line adds the request and response.
    quietReqLogger: true,
    quietResLogger: true,
    // pino-http also binds every request to a child logger of its own (`{ [req]: request }`), which
    // serializes and redacts the request at once, whether or not a line is ever written with it:
    // about a tenth of a GET's CPU under load. That binding goes under a key whose serializer drops
    // it, and the completion line (the one line that shows the request) carries it instead,
    // serialized and redacted only when it is written.
    customAttributeKeys: { reqId: 'correlationId', req: UNBOUND_REQUEST },
    serializers: { req: pino.stdSerializers.req, [UNBOUND_REQUEST]: () => undefined },
    customSuccessObject: (req, _res, line) => ({ req, ...line }),
    customErrorObject: (req, _res, _err, line) => ({ req, ...line }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => ((req as RequestWithId).originalUrl ?? req.url ?? '').startsWith('/health') },
  };
}

/**
 * The nestjs-pino `LoggerModule` configured for a service. Import it once, in the root module
 * (`PlatformModule.forRoot` does), and make it the app's logger with `app.useLogger(app.get(Logger))`.
 */
export function platformLoggerModule(
  config: Pick<PlatformConfig, 'LOG_LEVEL'>,
  options: PlatformLoggerOptions,
): DynamicModule {
  const pinoHttp = platformPinoHttpOptions(config, options.serviceName);
  const params: Params = {
    pinoHttp: options.stream ? [pinoHttp, options.stream] : pinoHttp,
    // nestjs-pino's default route (`{/*splat}`) matches nothing on NestJS 12's Fastify adapter.
    forRoutes: [{ path: '*', method: RequestMethod.ALL }],
  };
  return LoggerModule.forRoot(params);
}
