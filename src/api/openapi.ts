import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Kurir's mark for the docs page's tab: a paper plane on WhatsApp green, drawn here. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#128c7e"/>
<path d="M6 15.5 26 7l-5.5 18-5.2-6.3L22 11l-8.7 6.4z" fill="#fff"/>
</svg>`;

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
          'Self-hosted WhatsApp campaigns and automation. Every `/v1` route needs an API key as ' +
          '`Authorization: Bearer <key>` or `X-API-Key: <key>`; errors are RFC 9457 problem JSON.',
      },
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
