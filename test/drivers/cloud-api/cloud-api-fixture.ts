import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  CloudApiDriver,
  type CloudApiDriverOptions,
} from '../../../src/drivers/cloud-api/cloud-api-driver.ts';
import type { MessagePart } from '../../../src/drivers/driver.ts';
import { DriverEventRecorder } from '../../contract/driver-event-recorder.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { SeededRandom } from '../../support/seeded-random.ts';
import { GraphStandIn } from './graph-stand-in.ts';
import { webhookReceiver } from './webhook-deliveries.ts';

export const ALICE = '+4915200000002';
export const BOB = '+4915200000003';
export const VERIFY_TOKEN = 'a-verify-token';

export const text = (id: string, body = `hello ${id}`, to = ALICE): MessagePart => ({
  id,
  to,
  type: 'text',
  text: body,
});

/**
 * A Cloud API driver on a manual clock, talking HTTP to a Graph stand-in on the same clock,
 * whose webhooks go straight to the driver's `receiveWebhook` (no retries unless asked).
 * `logs` holds what the driver logged, as JSON lines.
 */
export async function cloudApi(options: Partial<CloudApiDriverOptions> = {}) {
  const clock = new ManualClock();
  const graph = await GraphStandIn.start({ clock, random: new SeededRandom(3) });
  const lines: string[] = [];
  const logWaiters = new Set<() => void>();
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        for (const waiter of [...logWaiters]) waiter();
        done();
      },
    }),
  );
  const driver = new CloudApiDriver({
    clock,
    log,
    phoneNumberId: graph.phoneNumberId,
    accessToken: graph.accessToken,
    appSecret: graph.appSecret,
    verifyToken: VERIFY_TOKEN,
    baseUrl: graph.baseUrl,
    ...options,
  });
  graph.webhooks.target = webhookReceiver(() => driver);
  const events = new DriverEventRecorder(driver);
  return {
    clock,
    graph,
    driver,
    events,
    logs: () => lines.join(''),
    /** Resolves once `count` log lines in all match `pattern`. */
    logged(pattern: RegExp, count = 1): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (lines.filter((l) => pattern.test(l)).length < count) return;
          logWaiters.delete(check);
          resolve();
        };
        logWaiters.add(check);
        check();
      });
    },
    /** Connects and waits for `connected`. */
    async connected() {
      await driver.connect();
      await events.waitFor('connected');
    },
    /** The body the stand-in got with the last message. */
    lastBody(): Record<string, unknown> {
      const last = graph.messages.at(-1);
      if (last === undefined) throw new Error('no message was accepted');
      return last.body;
    },
    async [Symbol.asyncDispose]() {
      events.stop();
      await driver.close();
      await graph[Symbol.asyncDispose]();
    },
  };
}
