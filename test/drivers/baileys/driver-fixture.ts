import assert from 'node:assert/strict';
import { BaileysDriver, type BaileysDriverOptions } from '../../../src/drivers/baileys/baileys-driver.ts';
import type { MessagePart } from '../../../src/drivers/driver.ts';
import { DriverEventRecorder } from '../../contract/driver-event-recorder.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { SeededRandom } from '../../support/seeded-random.ts';
import { FakeWhatsApp } from './fake-whatsapp.ts';
import { MemorySessionStore } from './memory-session-store.ts';

export const SENDER = '+4915100000001';
export const ALICE = '+4915200000002';
export const BOB = '+4915200000003';

export const text = (id: string, to = ALICE, body = `hello ${id}`): MessagePart => ({
  id,
  to,
  type: 'text',
  text: body,
});

/**
 * A Baileys driver over a faked socket on a manual clock: reconnects, timeouts and retries
 * happen when the test moves the clock. Disposing closes every driver and fails the test if
 * a socket stayed open or a timer was left behind.
 */
export function driverFixture() {
  const clock = new ManualClock();
  const network = new FakeWhatsApp(SENDER);
  const session = new MemorySessionStore();
  const drivers: BaileysDriver[] = [];

  const makeDriver = (options: Partial<BaileysDriverOptions> = {}) => {
    const driver = new BaileysDriver({
      clock,
      random: new SeededRandom(3),
      session,
      makeSocket: network.makeSocket,
      ...options,
    });
    drivers.push(driver);
    return { driver, events: new DriverEventRecorder(driver) };
  };

  /** A driver whose session is paired and connected. */
  const connected = async (options: Partial<BaileysDriverOptions> = {}) => {
    const made = makeDriver(options);
    await made.driver.connect();
    await Promise.race([made.events.waitFor('qr'), made.events.waitFor('connected')]);
    if (!made.events.events.some((e) => e.type === 'connected')) await network.completePairing();
    await made.events.waitFor('connected');
    return made;
  };

  return {
    clock,
    network,
    session,
    makeDriver,
    connected,
    async [Symbol.asyncDispose]() {
      for (const driver of drivers) await driver.close();
      assert.deepEqual(
        network.sockets.filter((s) => s.state !== 'closed').map((s) => s.index),
        [],
        'every socket was closed',
      );
      assert.equal(clock.pendingTimers, 0, 'no timer was left behind');
    },
  };
}

/** Lets Baileys' (faked) asynchronous steps and the driver's relay run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
