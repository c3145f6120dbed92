import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getMetadataStorage } from 'class-validator';

/** A route as the Nest router registered it, with what its body is validated against. */
export interface RouteInfo {
  method: string;
  /** `/api/v1/objectives/:id/rewordings` */
  path: string;
  /** `id`, ... in path order. */
  params: string[];
  /** The `@Body()` DTO's validated properties (empty when the route takes no DTO body). */
  bodyFields: string[];
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route of an app, read from the controllers Nest registered (their path and method metadata),
 * so that a route added tomorrow is walked without anyone listing it here.
 */
export function routesOf(app: NestFastifyApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const base = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name] as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const methodCode = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (methodCode === undefined) continue;
        const method = RequestMethod[methodCode];
        for (const prefix of base) {
          for (const own of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = `/${[prefix, own].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '').join('/')}`;
            routes.push({ method, path, params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string), bodyFields: bodyFieldsOf(controller, name) });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** The write routes (POST, PUT, PATCH, DELETE) of an app. */
export const writeRoutesOf = (app: NestFastifyApplication): RouteInfo[] => routesOf(app).filter((r) => WRITE_METHODS.has(r.method));

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.map(String);
  return [typeof metadata === 'string' ? metadata : ''];
}

function bodyFieldsOf(controller: Type, method: string): string[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number }>;
  const body = Object.entries(args).find(([key]) => key.split(':')[0] === String(RouteParamtypes.BODY));
  if (!body) return [];
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
  const dto = types[body[1].index];
  if (typeof dto !== 'function' || dto === Object) return [];
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(dto as Type, '', true, false);
  return [...new Set(metadatas.map((m) => m.propertyName))].sort();
}
