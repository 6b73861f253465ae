import { apiErrorCodes } from '@privexbot/schema/errors';
import { z } from 'zod';
import type { AnyRouteSpec } from './define-route.js';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (zod 4's own JSON Schema output, whose dialect OpenAPI 3.1 uses).
 */
export function buildOpenApiDocument(options: {
  routes: AnyRouteSpec[];
  serverUrl: string;
  version: string;
}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
    const status = String(route.successStatus ?? (route.response ? 200 : 204));
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
      ...(route.auth === 'none'
        ? { security: [] }
        : {
            security:
              route.auth === 'sessionOrApiKey' ? [{ session: [] }, { apiKey: [] }] : [{ session: [] }],
          }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [status]: route.response
          ? {
              description: 'OK',
              content: { 'application/json': { schema: jsonSchemaOf(route.response, 'output') } },
            }
          : { description: 'No content' },
        default: { $ref: '#/components/responses/Error' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'PrivexBot API', version: options.version },
    servers: [{ url: options.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        session: {
          type: 'http',
          scheme: 'bearer',
          description: 'access token from POST /auth/verify (pbat_...)',
        },
        apiKey: { type: 'http', scheme: 'bearer', description: 'org API key (pbk_...)' },
      },
      responses: {
        Error: {
          description: 'Error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message', 'requestId'],
                    properties: {
                      code: { type: 'string', enum: [...apiErrorCodes] },
                      message: { type: 'string' },
                      details: {},
                      requestId: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}
