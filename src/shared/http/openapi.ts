import { z } from 'zod';
import type { RouteSpec } from '../../access/route-table';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod
 * schemas that validate requests, so it cannot drift from the code.
 */
export function buildOpenApiDocument(specs: RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, unknown> = {};
  /** A zod schema as OpenAPI 3.1 JSON Schema; named schemas (`.meta({id})`) go to components. */
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output') => {
    const {
      $schema: _dialect,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown> & {
      $defs?: Record<string, unknown>;
    };
    const relink = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'));
    for (const [name, definition] of Object.entries($defs ?? {})) components[name] ??= relink(definition);
    return relink(rest);
  };
  const errorSchema = {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          details: { type: 'array', items: { type: 'object' } },
        },
        required: ['code', 'message'],
      },
    },
  };
  for (const spec of specs) {
    if (!spec.api) continue;
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...spec.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      summary: spec.api.summary,
      tags: [spec.api.tag],
      security: spec.access === 'public' ? [] : [{ bearer: [] }],
      parameters,
      responses: {
        [spec.method === 'post' && !spec.api.response ? '204' : '200']: spec.api.response
          ? {
              description: 'OK',
              content: {
                'application/json': { schema: schemaOf(spec.api.response, 'output') },
              },
            }
          : { description: 'Done' },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    if (spec.api.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(spec.api.body, 'input') } },
      };
    }
    if (spec.api.query) {
      const query = schemaOf(spec.api.query, 'input') as {
        properties?: Record<string, unknown>;
      };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: false, schema: schema as { type: string } });
      }
    }
    paths[path] ??= {};
    paths[path][spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Grand mediation (大调解) case management API', version: '1' },
    servers: [{ url: '/' }],
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
