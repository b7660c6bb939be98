import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SimulatorNetwork } from './simulator-network.ts';
import { RecordsQuery } from './simulator-schemas.ts';

/** The ground truth, read-only: what recipients hold, every attempt, inbound, presence, counts. */
export const simulatorRecordRoutes: FastifyPluginAsyncTypebox<{ network: SimulatorNetwork }> = async (
  app,
  { network },
) => {
  const { records } = network;

  /** `{ recipients: { "+49…": [message, …] } }`, each list in arrival order. */
  app.get('/records/received', { schema: { querystring: RecordsQuery } }, async (request) => {
    const { to } = request.query;
    const all = to === undefined ? records.received() : new Map([[to, records.receivedBy(to)]]);
    return { recipients: Object.fromEntries(all) };
  });

  app.get('/records/attempts', { schema: { querystring: RecordsQuery } }, async (request) => ({
    attempts: records.attempts(request.query.sender),
  }));

  app.get('/records/inbound', async () => ({ inbound: records.inbound() }));

  app.get('/records/presence', { schema: { querystring: RecordsQuery } }, async (request) => ({
    presence: records.presence(request.query.sender),
  }));

  app.get('/records/counts', async () => records.counts());
};
