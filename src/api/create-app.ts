import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import { KurirError } from '../domain/errors.ts';
import type { IdFactory } from '../domain/id.ts';
import type { Random } from '../domain/random.ts';
import type { Attachment } from '../domain/template.ts';
import type { SimulatorNetwork } from '../drivers/simulator/simulator-network.ts';
import type { ContactImporter } from '../engine/contact-import/contact-importer.ts';
import type { Engine } from '../engine/engine.ts';
import { SimulatorControls } from '../engine/simulator-controls.ts';
import type { FileStorage } from '../store/file-storage.ts';
import type { Store } from '../store/store.ts';
import { requireApiKey } from './auth.ts';
import { ProblemSchema } from './common-schemas.ts';
import { requireJsonBody } from './media-type-check.ts';
import { registerOpenApi } from './openapi.ts';
import { installProblemHandlers, sendProblem } from './problem.ts';
import { rejectUnstorableText } from './reject-unstorable-text.ts';
import { CampaignSchema, MessageSchema } from './routes/campaign-schemas.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { cloudApiWebhookRoutes } from './routes/cloud-api-webhooks.ts';
import { contactImportRoutes } from './routes/contact-imports.ts';
import { ContactSchema } from './routes/contact-schemas.ts';
import { contactRoutes } from './routes/contacts.ts';
import { eventRoutes } from './routes/events.ts';
import { FileSchema, fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { keyRoutes } from './routes/keys.ts';
import { BaileysConfig, CloudApiConfig, SenderSchema, SimulatorConfig } from './routes/sender-schemas.ts';
import { senderRoutes } from './routes/senders.ts';
import { simulatorRoutes } from './routes/simulator.ts';
import { SuppressionSchema, suppressionRoutes } from './routes/suppressions.ts';
import { TemplateSchema, templateRoutes } from './routes/templates.ts';
import { workspaceRoutes } from './routes/workspace.ts';
import { installStrictJsonParser } from './strict-json-parser.ts';

export interface AppDeps {
  config: Pick<Config, 'KURIR_BODY_LIMIT_BYTES' | 'KURIR_UPLOAD_LIMIT_BYTES'>;
  store: Store;
  files: FileStorage;
  importer: ContactImporter;
  engine: Engine;
  mediaUrl: (attachment: Pick<Attachment, 'url' | 'fileId'>, workspaceId: string) => string;
  clock: Clock;
  random: Random;
  newId: IdFactory;
  log: Logger;
  version?: string;
  /** The built-in simulated network; absent or null when the server runs without one. */
  simulator?: SimulatorNetwork | null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Request bodies are validated strictly: no type coercion (a string "5" is not a number)
 * and unknown fields rejected, so nothing a caller sends is silently dropped. Query strings
 * and paths are text by nature, so there numbers and single-value arrays are coerced.
 */
function validators() {
  const base = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false } as const;
  const body = new Ajv({ ...base, coerceTypes: false });
  const query = new Ajv({ ...base, coerceTypes: 'array' });
  addFormats.default(body);
  addFormats.default(query);
  return { body, query };
}

/** Builds the HTTP app from its dependencies; `main.ts` passes real ones, tests their own. */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.KURIR_BODY_LIMIT_BYTES,
    // Event streams stay open; closing the server must not wait for clients to leave.
    forceCloseConnections: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : deps.newId('req');
    },
    ajv: { customOptions: { strict: false } },
    // Errors raised before routing (an over-long path parameter, a malformed URL) get
    // problem JSON like every other error.
    frameworkErrors: (error, request, reply) => {
      request.log.info({ code: error.code }, 'request refused before routing');
      sendProblem(reply, new KurirError('request.invalid', error.message, { cause: error }));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? ajv.body : ajv.query).compile(schema as object),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installProblemHandlers(app);
  requireJsonBody(app);
  rejectUnstorableText(app);
  for (const schema of [
    ProblemSchema,
    ContactSchema,
    SuppressionSchema,
    TemplateSchema,
    FileSchema,
    SenderSchema,
    SimulatorConfig,
    BaileysConfig,
    CloudApiConfig,
    CampaignSchema,
    MessageSchema,
  ]) {
    app.addSchema(schema);
  }
  await app.register(multipart, { throwFileSizeLimit: true });
  // CSV may also be posted raw; the route streams it to disk instead of parsing it here.
  app.addContentTypeParser(['text/csv', 'application/csv', 'text/plain'], (_request, payload, done) => {
    done(null, payload);
  });
  // Before any route: every scope parses JSON this way, but for the Cloud API webhooks,
  // which replace it to keep Meta's raw bytes for the signature.
  installStrictJsonParser(app);
  await registerOpenApi(app, deps.version ?? '0.0.0');

  await app.register(healthRoutes, { store: deps.store, clock: deps.clock });
  await app.register(cloudApiWebhookRoutes, { store: deps.store, engine: deps.engine });
  /** What every route with an API key does first: find the key's workspace, open its senders. */
  const authenticate = (scope: FastifyInstance) => {
    requireApiKey(scope, deps);
    // Senders another process stored (`kurir workspace create`) get their session here.
    scope.addHook('onRequest', async (request) => deps.engine.sessions.adoptWorkspace(request.workspace.id));
  };
  await app.register(
    async (v1) => {
      authenticate(v1);
      const common = { store: deps.store, clock: deps.clock, newId: deps.newId };
      await v1.register(workspaceRoutes, { store: deps.store });
      await v1.register(keyRoutes, { ...common, random: deps.random });
      await v1.register(contactRoutes, common);
      await v1.register(contactImportRoutes, {
        store: deps.store,
        importer: deps.importer,
        campaigns: deps.engine.campaigns,
        uploadLimitBytes: deps.config.KURIR_UPLOAD_LIMIT_BYTES,
      });
      await v1.register(suppressionRoutes, common);
      await v1.register(templateRoutes, common);
      await v1.register(senderRoutes, { ...common, engine: deps.engine });
      await v1.register(campaignRoutes, { ...common, engine: deps.engine, mediaUrl: deps.mediaUrl });
      await v1.register(eventRoutes, { bus: deps.engine.bus, clock: deps.clock });
      await v1.register(fileRoutes, {
        ...common,
        files: deps.files,
        uploadLimitBytes: deps.config.KURIR_UPLOAD_LIMIT_BYTES,
      });
    },
    { prefix: '/v1' },
  );
  const network = deps.simulator ?? null;
  if (network !== null) {
    const controls = new SimulatorControls({ store: deps.store, network });
    await app.register(
      async (scope) => {
        authenticate(scope);
        await scope.register(simulatorRoutes, { controls });
      },
      { prefix: '/simulator' },
    );
  }
  return app;
}
