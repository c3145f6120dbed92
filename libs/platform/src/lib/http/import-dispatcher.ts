import { NotFoundException, RequestMethod, type ArgumentMetadata, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import { CUSTOM_ROUTE_ARGS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/internal';
import type { ModuleRef, ModulesContainer } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { requiresAuthentication } from '../auth/jwt-auth.guard';
import { PERMISSION, type PermissionDeclaration } from '../auth/permission.decorator';
import { checkPermission, PermissionNotDeclaredProblem } from '../auth/permission.guard';
import { IS_PUBLIC, principalOf } from '../auth/principal';
import { validationPipe } from '../errors/validation-pipe';
import { IMPORT_ACTOR_HEADER, IMPORT_AT_HEADER, IMPORT_TOKEN, IMPORT_TOKEN_HEADER } from './import-headers';

/** One imported write, its path normalised and its refs replaced by ids. */
export interface DispatchedItem {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
  at: Date;
  actor?: string;
}

interface Argument {
  index: number;
  type: RouteParamtypes | 'custom';
  data: unknown;
  pipes: PipeTransform[];
  metatype?: Type<unknown>;
  factory?: (data: unknown, context: ExecutionContext) => unknown;
}

interface Route {
  method: DispatchedItem['method'];
  template: string;
  pattern: RegExp;
  names: string[];
  controller: Type<unknown>;
  instance: Record<string, (...args: unknown[]) => unknown>;
  handlerName: string;
  handler: (...args: unknown[]) => unknown;
  status: number;
  isPublic: boolean;
  permission: PermissionDeclaration | undefined;
  args: Argument[];
}

const METHODS: Partial<Record<RequestMethod, DispatchedItem['method']>> = {
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
};
/** Where a body, path-parameter or query argument comes from, as Nest's ArgumentMetadata names it. */
const SOURCES = { [RouteParamtypes.BODY]: 'body', [RouteParamtypes.PARAM]: 'param', [RouteParamtypes.QUERY]: 'query' } as const;
const joinPath = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter((p) => p !== '').join('/')}`;
const first = (value: unknown): string => (Array.isArray(value) ? String(value[0] ?? '') : String(value ?? ''));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Runs an imported write straight on the service's own write route, without a second trip through
 * the HTTP stack: the route is found in the controllers' metadata, then the same steps as a request
 * of the import's caller, in the same order: the route's `@Permission` (with the service's resolver),
 * the global validation pipe and the route's own pipes on each argument, the handler. Its answer,
 * status (`@HttpCode`, or what the handler set) and errors are those of the route. Token and rate
 * limit are the import request's (the caller is the same; each item counts against the limit).
 */
export class ImportDispatcher {
  private readonly routes: Route[] = [];
  private readonly validation = validationPipe();

  constructor(
    modules: ModulesContainer,
    private readonly moduleRef: ModuleRef,
    excludedPrefix: string,
  ) {
    const seen = new Set<string>();
    for (const module of modules.values()) {
      for (const wrapper of module.controllers.values()) {
        const { instance, metatype } = wrapper;
        if (!instance || !metatype) continue;
        for (const route of routesOf(metatype as Type<unknown>, instance as Route['instance'])) {
          const key = `${route.method} ${route.template}`;
          if (seen.has(key) || route.template.startsWith(excludedPrefix)) continue;
          seen.add(key);
          this.routes.push(route);
        }
      }
    }
    this.routes.sort(byRouterPrecedence);
  }

  /** Runs one item for the import's request; throws what the route would have answered with. */
  async dispatch(item: DispatchedItem, outer: FastifyRequest): Promise<{ status: number; body: unknown }> {
    const queryAt = item.path.indexOf('?');
    const pathname = queryAt < 0 ? item.path : item.path.slice(0, queryAt);
    const query = Object.fromEntries(new URLSearchParams(queryAt < 0 ? '' : item.path.slice(queryAt + 1)));
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of this.routes) {
      if (candidate.method !== item.method) continue;
      match = candidate.pattern.exec(pathname);
      if (match) {
        route = candidate;
        break;
      }
    }
    if (!route || !match) throw new NotFoundException(`Cannot ${item.method} ${pathname}`);
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] as string)));

    const headers: Record<string, string> = {
      [IMPORT_TOKEN_HEADER]: IMPORT_TOKEN,
      [IMPORT_AT_HEADER]: item.at.toISOString(),
      ...(item.actor ? { [IMPORT_ACTOR_HEADER]: item.actor } : {}),
    };
    const request = {
      id: outer.id,
      raw: outer.raw,
      server: outer.server,
      principal: outer.principal,
      method: item.method,
      url: item.path,
      routeOptions: { url: route.template },
      headers,
      params,
      query,
      body: item.body,
    } as unknown as FastifyRequest;
    const reply = new ItemReply(route.status);

    if (!route.isPublic && requiresAuthentication(pathname)) {
      if (!route.permission) throw new PermissionNotDeclaredProblem(item.method, route.template);
      await checkPermission(route.permission, principalOf(outer), { params, body: item.body, query }, this.moduleRef);
    }
    const context = httpContext(request, reply, route);
    const args: unknown[] = [];
    for (const argument of route.args) args[argument.index] = await this.argument(argument, request, reply, context);
    const body = await route.handler.apply(route.instance, args);
    return { status: reply.statusCode, body };
  }

  private async argument(argument: Argument, request: FastifyRequest, reply: ItemReply, context: ExecutionContext): Promise<unknown> {
    let value: unknown;
    let type: ArgumentMetadata['type'] = 'custom';
    switch (argument.type) {
      case 'custom':
        value = argument.factory?.(argument.data, context);
        break;
      case RouteParamtypes.BODY:
      case RouteParamtypes.PARAM:
      case RouteParamtypes.QUERY: {
        type = SOURCES[argument.type];
        const source = request[type === 'param' ? 'params' : type] as Record<string, unknown>;
        value = argument.data ? source[argument.data as string] : source;
        break;
      }
      case RouteParamtypes.HEADERS:
        value = argument.data ? request.headers[argument.data as string] : request.headers;
        break;
      case RouteParamtypes.REQUEST:
        return request;
      case RouteParamtypes.RESPONSE:
        return reply;
      default:
        throw new Error(`An import cannot give a route an argument of type ${RouteParamtypes[argument.type]}`);
    }
    const metadata: ArgumentMetadata = { type, metatype: argument.metatype, data: argument.data as string | undefined };
    // As Nest does: the global pipe first, then the argument's own.
    value = await this.validation.transform(value, metadata);
    for (const pipe of argument.pipes) value = await pipe.transform(value, metadata);
    return value;
  }
}

/** What a route's handler may do with its reply when it runs for an import item. */
class ItemReply {
  readonly headers: Record<string, string> = {};
  constructor(public statusCode: number) {}
  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = first(value);
    return this;
  }
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  code(code: number): this {
    return this.status(code);
  }
}

/** What a parameter decorator's factory reads: the item's request and reply, as an HTTP context. */
function httpContext(request: FastifyRequest, reply: ItemReply, route: Route): ExecutionContext {
  const args = [request, reply];
  const http = { getRequest: () => request, getResponse: () => reply, getNext: () => undefined };
  return {
    getType: () => 'http',
    getClass: () => route.controller,
    getHandler: () => route.handler,
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    switchToHttp: () => http,
    switchToRpc: () => {
      throw new Error('An import item is an HTTP write');
    },
    switchToWs: () => {
      throw new Error('An import item is an HTTP write');
    },
  } as unknown as ExecutionContext;
}

/** Static segments before parameters, as Fastify's router matches them. */
function byRouterPrecedence(a: Route, b: Route): number {
  const as = a.template.split('/');
  const bs = b.template.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const aParam = (as[i] as string).startsWith(':');
    const bParam = (bs[i] as string).startsWith(':');
    if (aParam !== bParam) return aParam ? 1 : -1;
  }
  return 0;
}

function routesOf(controller: Type<unknown>, instance: Route['instance']): Route[] {
  const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined ?? '/'].flat();
  const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
  const routes: Route[] = [];
  for (const handlerName of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[handlerName];
    if (handlerName === 'constructor' || typeof handler !== 'function') continue;
    const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
    if (!method) continue;
    const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined ?? '/'].flat();
    const paramtypes = (Reflect.getMetadata('design:paramtypes', prototype, handlerName) ?? []) as Type<unknown>[];
    const args = argumentsOf(controller, handlerName, paramtypes);
    const isPublic = Boolean(Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller));
    const permission = Reflect.getMetadata(PERMISSION, handler) as PermissionDeclaration | undefined;
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'POST' ? 201 : 200);
    for (const prefix of prefixes) {
      for (const path of paths) {
        const template = joinPath(prefix, path);
        const names: string[] = [];
        const source = template
          .split('/')
          .map((segment) => {
            if (!segment.startsWith(':')) return escape(segment);
            names.push(segment.slice(1));
            return '([^/]+)';
          })
          .join('/');
        routes.push({ method, template, pattern: new RegExp(`^${source}/?$`), names, controller, instance, handlerName, handler: handler as Route['handler'], status, isPublic, permission, args });
      }
    }
  }
  return routes;
}

function argumentsOf(controller: Type<unknown>, handlerName: string, paramtypes: Type<unknown>[]): Argument[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<
    string,
    { index: number; data?: unknown; pipes?: (PipeTransform | Type<PipeTransform>)[]; factory?: Argument['factory'] }
  >;
  return Object.entries(metadata).map(([key, value]) => {
    const pipes = (value.pipes ?? []).map((pipe) => (typeof pipe === 'function' ? new pipe() : pipe));
    const custom = key.includes(CUSTOM_ROUTE_ARGS_METADATA);
    return {
      index: value.index,
      type: custom ? 'custom' : (Number(key.split(':')[0]) as RouteParamtypes),
      data: value.data,
      pipes,
      metatype: paramtypes[value.index],
      ...(custom && value.factory ? { factory: value.factory } : {}),
    };
  });
}
