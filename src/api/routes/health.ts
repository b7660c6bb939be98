import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { KurirError } from '../../domain/errors.ts';
import type { Store } from '../../store/store.ts';
import { addExamples } from '../common-schemas.ts';
import { operation, reply } from '../operation.ts';

const READY_TIMEOUT_MS = 2000;

/** Liveness and readiness for load balancers and orchestrators; no API key needed. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ store: Store; clock: Clock }> = async (
  app,
  { store, clock },
) => {
  app.get(
    '/health',
    {
      schema: operation({
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Liveness: the process answers',
        security: [],
        response: {
          200: reply(
            'The process is up',
            addExamples(Type.Object({ status: Type.Literal('ok') }), { status: 'ok' }),
          ),
        },
      }),
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: operation({
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: the database answers',
        security: [],
        response: {
          200: reply(
            'The database answered within 2 s',
            addExamples(Type.Object({ status: Type.Literal('ready'), database: Type.String() }), {
              status: 'ready',
              database: 'postgres',
            }),
          ),
        },
        errors: ['server.unavailable'],
      }),
    },
    async (request) => {
      let cancel: (() => void) | undefined;
      try {
        await Promise.race([
          store.ping(),
          new Promise((_, reject) => {
            cancel = clock.timer(clock.now() + READY_TIMEOUT_MS, () =>
              reject(new Error('database ping timed out')),
            );
          }),
        ]);
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        throw new KurirError('server.unavailable', 'The database does not answer', { cause: error });
      } finally {
        cancel?.();
      }
      return { status: 'ready' as const, database: store.dialect };
    },
  );
};
