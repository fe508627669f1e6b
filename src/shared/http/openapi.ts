import { z } from 'zod';
import { isIdParam } from '../ids';

/** The statuses an API error answers with (API.md "Conventions"; the body is always `Error`): name and meaning. */
export const errorStatuses = {
  400: [
    'BadRequest',
    'Malformed: a body that is not JSON or too deep, or fields that do not fit (`details` names them)',
  ],
  401: ['Unauthenticated', 'Not signed in: no bearer token or session, or one that expired or was revoked'],
  403: [
    'Forbidden',
    'Not allowed: the caller’s role may not do this, a password change is due, or the CSRF token is missing',
  ],
  404: ['NotFound', 'Not found, or a record the caller may not see (its existence is never revealed)'],
  409: [
    'Conflict',
    'Stale: `expectedVersion` is not the record’s (`stale_version`), or a concurrent write got there first (`write_conflict`); nothing was written',
  ],
  413: ['PayloadTooLarge', 'The body is too large'],
  422: ['RuleViolation', 'Well-formed but not allowed by the workflow or the rules (`details` says why)'],
  429: ['TooManyRequests', 'Too many attempts: wait and try again (`message` says how long)'],
  503: [
    'ServiceUnavailable',
    'The database does not answer: try again after `Retry-After` seconds (nothing was written)',
  ],
} as const;
export type ErrorStatus = keyof typeof errorStatuses;

/** The API's groups of operations, in the order the document lists them. */
export const apiTags = {
  auth: 'Signing in with a bearer token, signing out, the signed-in user',
  units: 'The three-level mediation network (district, street, community) and its departments',
  cases: 'Disputes (纠纷): registration, the workflow events, the hash-chained timeline, the CSV export',
  escalations: 'Hand-offs to a higher level (上报), reviewed by the receiving unit’s supervisor',
  petitions: 'Petitions (信访): registration, their workflow and clocks, visits by petition agents',
  stats: 'The figures supervisors watch, each with its numerator and denominator',
  imports: 'Historic cases moved in from an older system (CSV, all rows or none)',
  audit: 'Signed checkpoints of the audit trail, and the public key that checks them',
  calendar: 'The official calendar (holiday notices) that working-day periods are counted on',
  screenings:
    'Conflict screening (矛盾纠纷排查): a unit’s monthly round of brewing conflicts with their risk grades, or a zero report',
} as const;
export type ApiTag = keyof typeof apiTags;

/**
 * What an API route declares for its OpenAPI operation — its id, its input, its answers —
 * and what the route table validates before the handler runs (access/route-table.ts).
 */
export interface ApiSpec {
  /** Unique in the document, camelCase, what a generated client names the call: `applyCaseEvent`. */
  operationId: string;
  tag: ApiTag;
  summary: string;
  /** The JSON body, validated before the handler (which reads the parsed value as `req.input.body`). */
  body?: z.ZodType;
  /** A body may be left out altogether: none reads as `{}`. */
  bodyOptional?: true;
  /** Another body the handler reads itself (e.g. a CSV upload): its media type and schema. */
  rawBody?: { mediaType: string; schema: Record<string, unknown> };
  /** The query string, validated before the handler (`req.input.query`). */
  query?: z.ZodType;
  /**
   * The query string comes from a filter form: blank fields are no filter
   * (`parseFilterQuery`), as the page the route shares its handler with reads it.
   */
  queryIsFilterForm?: true;
  /** Path parameters beyond record ids (which are UUIDs), validated before the handler (`req.input.params`). */
  params?: z.ZodType;
  /** The success answer: 200 by default; 204 has no body. */
  status?: 200 | 201 | 204;
  response?: z.ZodType;
  /** A success answer that is not JSON (e.g. `text/csv`). */
  produces?: string;
  /**
   * The errors this route gives beyond those the route table derives from its access,
   * record, method and input (`apiOperations`; a write's 409 among them): 401 for a sign-in,
   * 422 for a rule, 429 for throttling.
   */
  errors?: ErrorStatus[];
}

/** One operation of the document: a route's method, path and API spec, and every error it can answer. */
export interface ApiOperation {
  method: string;
  path: string;
  api: ApiSpec;
  /** Called without a bearer token or session (no `security`). */
  public: boolean;
  errors: ErrorStatus[];
}

const errorSchema = {
  type: 'object',
  description: 'Every error answer (API.md "Conventions"); `message` is in the caller’s language',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'Stable, for programs: `not_found`, `stale_version` …' },
        message: { type: 'string', description: 'For people, in the language of `Accept-Language`' },
        details: {
          type: 'array',
          description: 'What was wrong, field by field (or row by row for an import)',
          items: { type: 'object' },
        },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

/** The shared answer for an error status: `#/components/responses/NotFound`. */
const errorResponseName = (status: ErrorStatus) => errorStatuses[status][0];

type SchemaOf = (schema: z.ZodType, io: 'input' | 'output') => Record<string, unknown>;

/** Zod schemas as OpenAPI 3.1 JSON Schema; named ones (`.meta({id})`) are collected for the components. */
function schemaRegistry(): { schemas: Record<string, unknown>; schemaOf: SchemaOf } {
  const schemas: Record<string, unknown> = { Error: errorSchema };
  const schemaOf: SchemaOf = (schema, io) => {
    const {
      $schema: _dialect,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown> & {
      $defs?: Record<string, unknown>;
    };
    const relink = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'));
    for (const [name, definition] of Object.entries($defs ?? {})) schemas[name] ??= relink(definition);
    return relink(rest);
  };
  return { schemas, schemaOf };
}

/** One operation object: parameters from the path and the query schema, the body, every answer. */
function operationOf({ path, api, public: isPublic, errors }: ApiOperation, schemaOf: SchemaOf) {
  const propertiesOf = (schema: z.ZodType | undefined) =>
    schema ? ((schemaOf(schema, 'input') as { properties?: Record<string, object> }).properties ?? {}) : {};
  const pathParams = propertiesOf(api.params);
  const parameters = [
    ...[...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: pathParams[name] ?? (isIdParam(name) ? { type: 'string', format: 'uuid' } : { type: 'string' }),
    })),
    ...Object.entries(propertiesOf(api.query)).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      schema,
    })),
  ];
  const status = api.status ?? 200;
  const content = api.produces
    ? { [api.produces]: { schema: { type: 'string' } } }
    : api.response && { 'application/json': { schema: schemaOf(api.response, 'output') } };
  const requestBody = api.body
    ? {
        required: !api.bodyOptional,
        content: { 'application/json': { schema: schemaOf(api.body, 'input') } },
      }
    : api.rawBody && { required: true, content: { [api.rawBody.mediaType]: { schema: api.rawBody.schema } } };
  return {
    operationId: api.operationId,
    summary: api.summary,
    tags: [api.tag],
    security: isPublic ? [] : [{ bearer: [] }],
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [status]:
        status === 204 ? { description: 'Done' } : { description: 'OK', ...(content ? { content } : {}) },
      ...Object.fromEntries(
        [...errors]
          .sort()
          .map((code) => [code, { $ref: `#/components/responses/${errorResponseName(code)}` }]),
      ),
    },
  };
}

/**
 * The OpenAPI 3.1 document, generated from the route table's API specs and the same zod
 * schemas that validate requests, so it cannot drift from the code; every operation has
 * its id, summary, tag, success answer and error answers by construction.
 */
export function buildOpenApiDocument(operations: ApiOperation[]) {
  const { schemas, schemaOf } = schemaRegistry();
  const paths: Record<string, Record<string, unknown>> = {};
  const seenIds = new Set<string>();
  for (const operation of operations) {
    const { method, path, api } = operation;
    if (!/^[a-z][a-zA-Z0-9]*$/.test(api.operationId) || seenIds.has(api.operationId))
      throw new Error(`${method} ${path}: operationId "${api.operationId}" is not a new camelCase name`);
    seenIds.add(api.operationId);
    const route = path.replace(/:(\w+)/g, '{$1}');
    paths[route] ??= {};
    paths[route][method] = operationOf(operation, schemaOf);
  }
  const responses = Object.fromEntries(
    Object.values(errorStatuses).map(([name, description]) => [
      name,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Grand mediation (大调解) case management API',
      version: '1',
      description:
        'The JSON API of the dispute mediation system: how other systems (a 12345 hotline, a court platform, a data warehouse, scripts) register and follow cases and petitions. JSON in and out, UTF-8; dates `YYYY-MM-DD` in Asia/Shanghai.',
      // the package is UNLICENSED: no licence is granted to anyone outside the operator
      license: {
        name: 'Proprietary: all rights reserved, no licence granted',
        identifier: 'LicenseRef-Proprietary',
      },
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    tags: Object.entries(apiTags).map(([name, description]) => ({ name, description })),
    components: {
      schemas,
      responses,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A token from `POST /api/v1/auth/login`, sent as `Authorization: Bearer <token>` (stored hashed, expires, revoked by `POST /api/v1/auth/logout`). The browser UI may instead call with its session cookie and CSRF token.',
        },
      },
    },
    paths,
  };
}
