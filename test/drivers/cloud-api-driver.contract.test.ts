import Fastify from 'fastify';
import { CloudApiDriver } from '../../src/drivers/cloud-api/cloud-api-driver.ts';
import type { PartType } from '../../src/drivers/driver.ts';
import { SystemClock } from '../../src/system/system-clock.ts';
import { type DriverHarness, driverContract } from '../contract/driver.contract.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { GraphStandIn } from './cloud-api/graph-stand-in.ts';
import { webhookUrl } from './cloud-api/webhook-deliveries.ts';
import { webhookRoute } from './cloud-api/webhook-route.ts';

const SENDER = '+4915100000001';
const SENDER_ID = 'snd_cloud';
const VERIFY_TOKEN = 'verify-me';

/**
 * The driver talks HTTP to the Graph stand-in; the stand-in posts signed webhooks over HTTP
 * to a route shaped like Kurir's, which hands them to the newest driver (as the API hands
 * them to the sender's current driver). The drivers run on a manual clock, moved only to
 * let a reconnect check run (timeouts are tested in cloud-api/driver-sending.test.ts); the stand-in retries unacknowledged webhooks on the real clock
 * after 5 ms, as Meta retries (much later) a delivery that got no 2xx.
 */
async function cloudApiHarness(): Promise<DriverHarness> {
  const driverClock = new ManualClock();
  const drivers: CloudApiDriver[] = [];
  let newest: CloudApiDriver | null = null;
  const route = Fastify({ logger: false });
  await route.register(webhookRoute, { receiverFor: (id) => (id === SENDER_ID ? newest : null) });
  const routeUrl = await route.listen({ port: 0, host: '127.0.0.1' });
  const graph = await GraphStandIn.start({
    clock: new SystemClock(),
    random: new SeededRandom(11),
    displayPhoneNumber: '+49 151 00000001',
    webhook: webhookUrl(`${routeUrl}/webhooks/cloud-api/${SENDER_ID}`),
    redeliverAfterMs: 5,
  });
  return {
    senderPhone: SENDER,
    async makeDriver() {
      const driver = new CloudApiDriver({
        clock: driverClock,
        phoneNumberId: graph.phoneNumberId,
        accessToken: graph.accessToken,
        appSecret: graph.appSecret,
        verifyToken: VERIFY_TOKEN,
        baseUrl: graph.baseUrl,
        // Longer than the clock moves in `restoreConnection`, so that no call times out.
        requestTimeoutMs: 3_600_000,
      });
      drivers.push(driver);
      newest = driver;
      return driver;
    },
    async completePairing() {
      // Nothing to pair: the access token is the session (`features.pairing` is false).
    },
    async makeUnregistered(phone) {
      graph.failRecipient(phone, 131026);
    },
    async forceLogout() {
      graph.expireToken();
    },
    async dropConnection() {
      await graph.goOffline();
    },
    async restoreConnection() {
      await graph.goOnline();
      // Past the longest reconnect backoff: the driver's scheduled check runs now.
      driverClock.advance(60_000);
    },
    async deliverAndRead() {
      await graph.deliverAndRead();
    },
    async sendInbound(from, text) {
      // Not awaited: a delivery ends only when the listeners resolved, and the contract
      // has listeners that never do.
      void graph.inbound(from, text);
    },
    async received(to) {
      return graph.receivedBy(to).map((m) => {
        const content = m.body[m.type] as { body?: string; caption?: string } | undefined;
        return {
          id: String(m.body.biz_opaque_callback_data),
          type: m.type as PartType,
          text: content?.body ?? content?.caption ?? null,
        };
      });
    },
    async [Symbol.asyncDispose]() {
      for (const driver of drivers) await driver.close();
      await graph[Symbol.asyncDispose]();
      await route.close();
    },
  };
}

driverContract('cloud-api', cloudApiHarness, {
  redelivers: true,
  features: { pairing: false, numberLookup: false, heldConnection: false, typing: false },
});
