import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemType } from '@okr/platform';

/** Problem code of the gateway's own 404: no service has a route for this method and path. */
export const NO_SUCH_ROUTE = 'no-such-route';

/** Whether a path belongs to the API (never answered by the web app, even when nothing routes it). */
export const isApiPath = (url: string): boolean => /^\/api(?:[/?#]|$)/.test(url);

/**
 * Serves the web app's production build from `webDir` (hashed assets cached for a year, `index.html`
 * never cached), and `index.html` for every other GET that is not under `/api/`, so that a deep link
 * (`/objectives/…`) opens the app, which routes it. Without a build, such a GET answers 503 with a
 * page saying how to build it. A path under `/api/` that no route took answers problem+json 404
 * `no-such-route`.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<{ built: boolean; root: string }> {
  const root = resolve(webDir);
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root,
      wildcard: true,
      index: ['index.html'],
      setHeaders: (reply, path) => {
        reply.header('cache-control', /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (isApiPath(request.url) || (request.method !== 'GET' && request.method !== 'HEAD')) return noSuchRoute(request, reply);
    if (!built) return notBuilt(reply, root);
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html', root);
  });
  return { built, root };
}

function noSuchRoute(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  return reply
    .code(404)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: problemType(NO_SUCH_ROUTE),
      title: 'Not Found',
      status: 404,
      detail: `No service of the platform answers ${request.method} ${path}. The routes are listed in each service's OpenAPI document (/api/docs/{service}-json).`,
      instance: path,
      code: NO_SUCH_ROUTE,
      correlationId: String(request.id),
    });
}

function notBuilt(reply: FastifyReply, root: string): FastifyReply {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OKR platform: the web app is not built</title></head>
<body><h1>The web app is not built</h1>
<p>The API is here (for example <a href="/api/docs/goals-json">/api/docs/goals-json</a>), but there is no web app build in <code>${escapeHtml(root)}</code>.</p>
<p>Build it (<code>npx nx build web</code>; <code>npm start</code> builds it when apps/web exists) and reload this page.</p></body></html>`;
  return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
