import { HttpStatus } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { Problem } from '../errors/problems';

/** 400: a JSON body nested deeper than the service reads (class-transformer and validation recurse per level). */
export class JsonTooDeepProblem extends Problem {
  constructor(maxDepth: number) {
    super({
      status: HttpStatus.BAD_REQUEST,
      code: 'json-too-deep',
      title: 'Bad Request',
      detail: `The request body nests arrays and objects more than ${maxDepth} levels deep.`,
      details: { maxDepth },
    });
  }
}

/**
 * How deep `text`'s arrays and objects nest, counted without parsing it: one pass over the characters,
 * skipping strings (and their escapes). Stops counting once `limit` is passed, so a body of a
 * hundred thousand `[` costs one short scan, never a recursion.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * Registers the adapter's `application/json` parser (Fastify's own, secure-json-parse: `__proto__`
 * and `constructor.prototype` keys are refused with 400) behind a depth check, so that no body nested
 * deeper than `maxDepth` reaches class-transformer, whose recursion a deep body overflows. An empty
 * body reads as none.
 */
export function limitJsonDepth(adapter: FastifyAdapter, maxDepth: number): void {
  const fastify = adapter.getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const { bodyLimit } = fastify.initialConfig;
  adapter.useBodyParser('application/json', false, { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    // An empty body declared as JSON (a client that always sends the header) is no body, not bad JSON:
    // a route that takes none answers as without it, one that needs fields names them.
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonDepthExceeds(text, maxDepth)) {
      done(new JsonTooDeepProblem(maxDepth), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
