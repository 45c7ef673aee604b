// The route registry: every route of the API is declared once, with who may
// call it, its body schema (the same zod schema the handler parses with)
// and its responses. The OpenAPI 3.1 document at GET /api/openapi.json is
// rendered from it (zod 4's toJSONSchema; a body schema may bring its own
// JSON Schema, as the decisions bodies do: api/validation.ts
// decisionBodySchema), and the tests walk it: the access
// matrix fails for a route without a row, the fuzz run sends what the
// document allows and checks what comes back against it.
//
// Adding a route: call `route(router, { method, path, ... }, handler)`
// instead of `router.get(...)`, then give it a row in
// test/api/security-http.test.ts's matrix.
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../domain/roles';
import { attempt } from './audit-refusals';
import { forbidden } from './errors';
import { documentedJsonSchema, unknownFields } from './validation';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** The JSON body; omitted for the error statuses, which share the contract's error shape. */
  schema?: z.ZodType;
  /** A body that is not JSON (a file download): the media types it may have. */
  mediaTypes?: readonly string[];
}

export interface RouteSpec {
  method: Method;
  /** Express path under /api, e.g. `/applications/:id/decisions`. */
  path: string;
  summary: string;
  /** `public`: no token needed (and none looked at); `bearer`: 401 without a valid token. */
  auth: 'public' | 'bearer';
  /** Who may call it (documentation; scope rules narrow it further). */
  roles: readonly Role[];
  /** The query parameters, strict (z.strictObject), as the handler parses them; documented as one exploded object. */
  query?: z.ZodObject;
  /** A JSON body parsed with this schema (strict: z.strictObject), or a multipart upload. */
  body?: z.ZodType | 'multipart';
  /** Success responses by status, with their body. */
  responses: Record<number, ResponseSpec>;
  /** Client-error statuses this route answers beyond the common ones (400, 404; 401 and 403 for bearer; 413 with a body). */
  errors?: readonly number[];
}

export interface RegisteredRoute extends RouteSpec {
  /** Full Express path, `/api/...`. */
  fullPath: string;
  /** OpenAPI path, `/api/applications/{id}`. */
  openApiPath: string;
  /** Every status the route may answer, success and error. */
  statuses: number[];
}

const registry = new Map<string, RegisteredRoute>();

export const errorSchema = z
  .object({
    error: z.object({ code: z.string().min(1), message: z.string().min(1), details: z.unknown().optional() }).strict(),
  })
  .strict()
  .meta({ description: 'Every error: 400 malformed, 401 no or bad token, 403 not allowed, 404 unknown or not visible, 409 wrong stage or window, 413 too large, 422 invalid, 429 too many requests, 503 a dependency is down' });

const ERROR_TEXT: Record<number, string> = {
  400: 'malformed request',
  401: 'no or bad token',
  403: 'role or region not allowed',
  404: 'unknown, or not visible to the caller',
  409: 'not allowed in the current stage or window',
  413: 'body too large',
  422: 'well-formed but invalid',
  429: 'too many requests',
  503: 'a dependency is down',
};

export const routeKey = (method: string, fullPath: string) => `${method.toUpperCase()} ${fullPath}`;

function statusesOf(spec: RouteSpec): number[] {
  // 503 with Retry-After: any route may find PostgreSQL or Temporal down or silent past its deadline (api/errors.ts).
  const set = new Set<number>([...Object.keys(spec.responses).map(Number), 400, 404, 503, ...(spec.errors ?? [])]);
  if (spec.auth === 'bearer') {
    set.add(401);
    set.add(403);
  }
  if (spec.body) set.add(413);
  return [...set].sort((a, b) => a - b);
}

/**
 * Declares a route in the registry and mounts its handlers on the router,
 * behind two steps every route shares: what a refused attempt is recorded
 * as (api/audit-refusals.ts; handlers narrow it), and for a bearer route the
 * role check from `roles` (403), so that the document, the matrix test and
 * the enforcement cannot drift apart. A route without `query` refuses any
 * query parameter (400 naming it), as a strict query schema does.
 */
export function route(router: Router, spec: RouteSpec, ...handlers: RequestHandler[]): void {
  const fullPath = `/api${spec.path}`;
  const action = `${spec.method.toUpperCase()} ${fullPath}`;
  const guard: RequestHandler = (req, _res, next) => {
    // The route label of the request's log line and metrics (api/observability.ts).
    req.routePattern = fullPath;
    attempt(req, { subjectType: 'route', subjectId: req.originalUrl.split('?')[0]!.slice(0, 500), action });
    if (spec.auth === 'bearer' && !(req.actor && spec.roles.includes(req.actor.role))) return next(forbidden('您的角色不能办理此事项'));
    // A route without a query schema takes no query parameter (one with a schema refuses unknown ones when the handler parses it).
    if (!spec.query && Object.keys(req.query).length > 0) return next(unknownFields(Object.keys(req.query)));
    next();
  };
  registry.set(routeKey(spec.method, fullPath), {
    ...spec,
    fullPath,
    openApiPath: fullPath.replace(/:([A-Za-z_]+)/g, '{$1}'),
    statuses: statusesOf(spec),
  });
  router[spec.method](spec.path, guard, ...handlers);
}

/** Every route declared so far (all of them once createApp has run), in path order. */
export function registeredRoutes(): RegisteredRoute[] {
  return [...registry.values()].sort((a, b) => (a.fullPath === b.fullPath ? a.method.localeCompare(b.method) : a.fullPath.localeCompare(b.fullPath)));
}

export function findRoute(method: string, fullPath: string): RegisteredRoute | undefined {
  return registry.get(routeKey(method, fullPath));
}

const patterns = new Map<string, RegExp>();
/** The route whose pattern a request path (as sent, before decoding) matches, as Express matches it: any case, an optional trailing slash. */
export function matchRoute(method: string, requestPath: string): RegisteredRoute | undefined {
  for (const r of registry.values()) {
    if (r.method !== method.toLowerCase()) continue;
    let re = patterns.get(r.fullPath);
    if (!re) {
      const source = r.fullPath.split(/(:[A-Za-z_]+)/).map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
      re = new RegExp(`^${source}/?$`, 'i');
      patterns.set(r.fullPath, re);
    }
    if (re.test(requestPath)) return r;
  }
  return undefined;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

/** The OpenAPI 3.1 document of every registered route. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registeredRoutes()) {
    const pathParams = [...r.fullPath.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1], in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 },
    }));
    // The query as one object (form, exploded: `?a=1&b=2`), so that the document can say no other parameter is taken.
    const querySchema = r.query ? jsonSchema(r.query, 'input') : undefined;
    const queryParams = querySchema
      ? [{ name: 'query', in: 'query', style: 'form', explode: true, required: Array.isArray(querySchema.required) && querySchema.required.length > 0, schema: querySchema }]
      : [];
    const responses: Record<string, unknown> = {};
    for (const status of r.statuses) {
      const ok = r.responses[status];
      responses[String(status)] = ok
        ? {
            description: ok.description,
            ...(ok.mediaTypes ? { content: Object.fromEntries(ok.mediaTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])) } : {}),
            ...(ok.schema ? { content: { 'application/json': { schema: jsonSchema(ok.schema, 'output') } } } : {}),
          }
        : { description: ERROR_TEXT[status] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const body =
      r.body === 'multipart'
        ? { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } }, required: ['file'], additionalProperties: false } } } }
        : r.body
          ? { required: true, content: { 'application/json': { schema: documentedJsonSchema(r.body) ?? jsonSchema(r.body, 'input') } } }
          : undefined;
    paths[r.openApiPath] ??= {};
    paths[r.openApiPath]![r.method] = {
      operationId: `${r.method}${r.openApiPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      description: `Who: ${r.roles.join(', ')}`,
      'x-roles': r.roles,
      ...(r.auth === 'bearer' ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(pathParams.length + queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
      ...(body ? { requestBody: body } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: '贵州省“两山”实践创新基地 API', version: '0.1.0', description: 'The contract of this API: every route of the API, rendered from its route registry (api/openapi.ts).' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
    paths,
  };
}
