import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { apiTags } from './api-tags.ts';

/** Kurir's mark for the docs page's tab: a paper plane on WhatsApp green, drawn here. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#128c7e"/>
<path d="M6 15.5 26 7l-5.5 18-5.2-6.3L22 11l-8.7 6.4z" fill="#fff"/>
</svg>`;

/** The slice of an operation that says whether its body may be left out. */
type OptionalBody =
  | {
      requestBody?: {
        required?: boolean;
        content?: Record<string, { schema?: { anyOf?: { type?: unknown }[] } }>;
      };
    }
  | undefined;

/**
 * The OpenAPI 3.1 document is generated from the route schemas, so it cannot drift from
 * what the server validates. Served raw at `/openapi.json` and readable at `/docs`.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kurir API',
        version,
        description:
          'Self-hosted WhatsApp campaigns and automation: import contacts, write templates, connect ' +
          'senders and send paced, personalised campaigns.\n\n' +
          'Every `/v1` route needs an API key, as `Authorization: Bearer <key>` or `X-API-Key: <key>`; ' +
          'the server prints the first one when it starts. A key sees only its own workspace.\n\n' +
          'Errors are RFC 9457 problem JSON (`application/problem+json`) with a stable `code` to match on ' +
          'and, where the input is at fault, `errors[]` naming each field (`pointer`), parameter or CSV ' +
          "`line`. Lists come in pages of `limit`: pass a page's `nextCursor` as `cursor` for the next.",
      },
      tags: apiTags.map((tag) => ({ ...tag })),
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key: kur_…' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKeyHeader: [] }],
    },
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
    // A body the handler reads itself (`rawBody`, see operation.ts) is documented as the
    // request body here only; Fastify never sees it, so never validates it.
    transform: ({ schema, url }) => {
      const raw = (schema as { rawBody?: Record<string, unknown> } | undefined)?.rawBody;
      if (raw === undefined) return { schema, url };
      const content = Object.fromEntries(Object.entries(raw).map(([type, s]) => [type, { schema: s }]));
      return { schema: { ...schema, body: { content } }, url };
    },
    // The plugin marks every request body required; one whose schema takes null (a start
    // without options) may be left out.
    transformObject: (document) => {
      const paths = ('openapiObject' in document ? document.openapiObject.paths : undefined) ?? {};
      for (const item of Object.values(paths) as Record<string, OptionalBody>[]) {
        for (const op of Object.values(item)) {
          const schema = op?.requestBody?.content?.['application/json']?.schema;
          if (op?.requestBody && schema?.anyOf?.some((s) => s.type === 'null'))
            op.requestBody.required = false;
        }
      }
      return 'openapiObject' in document ? document.openapiObject : document.swaggerObject;
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The base layout has no top bar, so no third-party logo and no box to load other specs.
    uiConfig: {
      layout: 'BaseLayout',
      docExpansion: 'list',
      deepLinking: true,
      filter: true,
      persistAuthorization: true,
      displayRequestDuration: true,
    },
    theme: {
      title: 'Kurir API',
      favicon: [
        {
          filename: 'favicon.svg',
          rel: 'icon',
          sizes: 'any',
          type: 'image/svg+xml',
          content: Buffer.from(FAVICON),
        },
      ],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
