import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import { simulatorAdminRoutes } from './simulator-admin-routes.ts';
import { SimulatorError, type SimulatorErrorCode } from './simulator-error.ts';
import { simulatorLinkRoutes } from './simulator-link-routes.ts';
import type { SimulatorNetwork } from './simulator-network.ts';
import { simulatorRecordRoutes } from './simulator-record-routes.ts';

export interface SimulatorServerDeps {
  network: SimulatorNetwork;
  clock: Clock;
  log?: Logger;
  /** Heartbeat interval of event streams; default 15 s. */
  heartbeatMs?: number;
}

/**
 * The simulator as an HTTP app: the admin API (`/senders`, `/numbers`, `/faults`,
 * `/receipts`, `/replies`, `/reset`), the records (`/records/…`) and the link that remote
 * drivers use (`/link/senders/:phone/…`). Errors are problem JSON with a `simulator.*` code.
 * The caller owns the network and closes it.
 */
export async function createSimulatorServer(deps: SimulatorServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.log === undefined ? { logger: false } : { loggerInstance: deps.log as FastifyBaseLogger }),
    bodyLimit: 16 * 1024 * 1024,
    // Closing means gone: a keep-alive connection that Node does not count as idle would
    // otherwise hold `close()` until the client's keep-alive timer runs out (~4 s).
    forceCloseConnections: true,
    // Unknown fields are refused, not dropped, and a string is not a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, strict: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error: FastifyError | SimulatorError, request, reply) => {
    if (error instanceof SimulatorError)
      return reply.code(error.status).send(problem(error.status, error.code, error.message));
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'simulator request failed');
    const code = status >= 500 ? 'simulator.internal' : 'simulator.invalid_request';
    return reply.code(status).send(problem(status, code, status >= 500 ? 'internal error' : error.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(problem(404, 'simulator.no_route', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // `curl -X POST …/pair` sends no body; treat it as `{}` so actions without options need none.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET') request.body = {};
  });

  await app.register(simulatorAdminRoutes, { network: deps.network });
  await app.register(simulatorRecordRoutes, { network: deps.network });
  await app.register(simulatorLinkRoutes, {
    network: deps.network,
    clock: deps.clock,
    ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
  });
  return app;
}

function problem(status: number, code: SimulatorErrorCode, detail: string) {
  return { type: 'about:blank', title: code, status, detail, code };
}
