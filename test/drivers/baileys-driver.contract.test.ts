import assert from 'node:assert/strict';
import { BaileysDriver } from '../../src/drivers/baileys/baileys-driver.ts';
import type { Driver } from '../../src/drivers/driver.ts';
import { SystemClock } from '../../src/system/system-clock.ts';
import { type DriverHarness, driverContract } from '../contract/driver.contract.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { FakeWhatsApp } from './baileys/fake-whatsapp.ts';
import { MemorySessionStore } from './baileys/memory-session-store.ts';

const SENDER = '+4915100000001';

/**
 * The Baileys driver over a faked socket (`FakeWhatsApp`): the library's own boundary, so
 * everything of the driver runs, and nothing dials WhatsApp. Drivers use the real clock
 * with millisecond backoffs, as the contract waits for facts in real time. Every driver
 * shares one `SessionStore`, as restarts of one sender do.
 */
async function baileysHarness(): Promise<DriverHarness> {
  const network = new FakeWhatsApp(SENDER);
  const session = new MemorySessionStore();
  const drivers: Driver[] = [];
  return {
    senderPhone: SENDER,
    async makeDriver() {
      const driver = new BaileysDriver({
        clock: new SystemClock(),
        random: new SeededRandom(7),
        session,
        makeSocket: network.makeSocket,
        reconnect: { baseMs: 5, maxMs: 20 },
        redeliverAfterMs: 5,
      });
      drivers.push(driver);
      return driver;
    },
    completePairing: () => network.completePairing(),
    async makeUnregistered(phone) {
      network.unregister(phone);
    },
    async forceLogout() {
      const socket = network.open;
      if (socket === undefined) throw new Error('no open socket to unlink');
      await socket.serverClose(401, 'Connection Failure');
    },
    dropConnection: () => network.dropConnection(),
    async restoreConnection() {
      network.restoreConnection();
    },
    async deliverAndRead() {
      network.deliverAndRead();
    },
    async sendInbound(from, text) {
      network.sendInbound(from, text);
    },
    async received(to) {
      return network.received(to);
    },
    async [Symbol.asyncDispose]() {
      for (const driver of drivers) await driver.close();
      const open = network.sockets.filter((s) => s.state !== 'closed').map((s) => s.index);
      assert.deepEqual(open, [], 'every socket the drivers built was closed');
    },
  };
}

driverContract('baileys', baileysHarness, { redelivers: true, redeliversAfterRestart: false });
