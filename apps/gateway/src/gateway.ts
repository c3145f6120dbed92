import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { CORRELATION_ID_HEADER, PROBLEM_CONTENT_TYPE, echoCorrelationId, genCorrelationId, problemType } from '@okr/platform';
import { ROUTE_TABLE, SERVICE_DOCS_PATH, SERVICE_NAMES, serviceDocsPath, type RouteTable, type ServiceName } from '@okr/routing';
import { upstreamsOf, type GatewayConfig } from './gateway.config';
import { registerWebApp } from './web-app';

export { GatewayConfig, loadGatewayConfig } from './gateway.config';
export { NO_SUCH_ROUTE } from './web-app';

export interface GatewayOptions {
  /** The routes to proxy; the committed table by default. */
  table?: RouteTable;
  logger: FastifyBaseLogger;
}

/**
 * The one origin: the web app's build with its deep links, and every route of the table proxied to
 * its service (with `OKR_GATEWAY_PROXY=false`, the web app alone). Bodies stream through untouched
 * (no parsing here: each service validates its own); every request header goes through (Authorization,
 * If-Match, Idempotency-Key, traceparent, ...) with `X-Forwarded-For/Proto/Host` and the correlation id
 * added; every response header and status come back as the service sent them. Each service's OpenAPI
 * document is at `/api/docs/{service}-json`.
 */
export async function buildGateway(config: GatewayConfig, options: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: genCorrelationId,
    // A parameter as long as a service accepts: the service, not the gateway, says what is too long.
    routerOptions: { maxParamLength: 2000 },
  });
  echoCorrelationId(app);
  // Bodies are the services' business: stream every content type through as it came.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  if (config.OKR_GATEWAY_PROXY) {
    const upstreams = upstreamsOf(config);
    await app.register(replyFrom, { disableRequestLogging: true, undici: { connections: 64, pipelining: 1 } });
    const rewriteRequestHeaders: FastifyReplyFromHooks['rewriteRequestHeaders'] = (request, headers) => ({
      ...headers,
      [CORRELATION_ID_HEADER]: String(request.id),
      'x-forwarded-for': headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${request.ip}` : request.ip,
      'x-forwarded-proto': request.protocol,
      'x-forwarded-host': request.headers.host ?? '',
    });
    const onError =
      (service: ServiceName): FastifyReplyFromHooks['onError'] =>
      (reply, { error }) =>
        upstreamFailed(service, reply as FastifyReply, error as Error & { statusCode?: number });
    for (const route of (options.table ?? ROUTE_TABLE).routes) {
      app.route({
        method: route.method,
        url: route.path,
        handler: (request, reply) => reply.from(`${upstreams[route.service]}${request.url}`, { rewriteRequestHeaders, onError: onError(route.service) }),
      });
    }
    for (const service of SERVICE_NAMES) {
      app.get(serviceDocsPath(service), (_request, reply) =>
        reply.from(`${upstreams[service]}${SERVICE_DOCS_PATH}`, { rewriteRequestHeaders, onError: onError(service) }),
      );
    }
  }
  const web = await registerWebApp(app, config.OKR_WEB_DIR);
  if (!web.built) app.log.warn({ webDir: web.root }, 'The web app is not built: pages answer 503 with how to build it; the API is served');
  // Probes, as the services have them: live while the process serves; ready when it has something to
  // serve (a web-only gateway without a build has nothing).
  app.get('/health/live', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/health/ready', (_request, reply) =>
    web.built || config.OKR_GATEWAY_PROXY ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'unavailable', reason: 'the web app is not built' }),
  );
  return app;
}

/** 503/504 when the service said so or timed out, 502 when it could not be reached: problem+json naming the service. */
function upstreamFailed(service: ServiceName, reply: FastifyReply, error: { statusCode?: number }): void {
  const status = error.statusCode === 503 || error.statusCode === 504 ? error.statusCode : 502;
  reply.log.warn({ service, err: error }, 'the upstream service did not answer');
  void reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: problemType('service-unavailable'),
      title: status === 504 ? 'Gateway Timeout' : status === 503 ? 'Service Unavailable' : 'Bad Gateway',
      status,
      detail: `The ${service} service did not answer; try again in a moment.`,
      instance: reply.request.url.split('?')[0],
      code: 'service-unavailable',
      details: { service },
      correlationId: String(reply.request.id),
    });
}
