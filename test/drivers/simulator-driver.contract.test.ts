import type { Driver } from '../../src/drivers/driver.ts';
import { HttpLink } from '../../src/drivers/simulator/http-link.ts';
import { InProcessLink } from '../../src/drivers/simulator/in-process-link.ts';
import { SimulatorDriver } from '../../src/drivers/simulator/simulator-driver.ts';
import type { SimulatorLink } from '../../src/drivers/simulator/simulator-link.ts';
import { SimulatorNetwork } from '../../src/drivers/simulator/simulator-network.ts';
import { createSimulatorServer } from '../../src/drivers/simulator/simulator-server.ts';
import { SystemClock } from '../../src/system/system-clock.ts';
import { type DriverHarness, driverContract } from '../contract/driver.contract.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { SeededRandom } from '../support/seeded-random.ts';

const SENDER = '+4915100000001';

/**
 * The network runs on a manual clock (receipts and reconnects happen when the harness moves
 * it); drivers use the real clock, as in a separate Kurir process, with a short retry delay.
 */
async function simulatorHarness(
  makeLink: (
    network: SimulatorNetwork,
    networkClock: ManualClock,
  ) => Promise<{ link: SimulatorLink; close(): Promise<void> }>,
): Promise<DriverHarness> {
  const clock = new ManualClock();
  const network = new SimulatorNetwork({ clock, random: new SeededRandom(5) });
  network.createSender(SENDER);
  const { link, close } = await makeLink(network, clock);
  const drivers: Driver[] = [];
  return {
    senderPhone: SENDER,
    async makeDriver() {
      const driver = new SimulatorDriver({ link, clock: new SystemClock(), sender: SENDER, retryAfterMs: 5 });
      drivers.push(driver);
      return driver;
    },
    async completePairing() {
      network.pair(SENDER);
    },
    async makeUnregistered(phone) {
      network.numbers.unregister([phone]);
    },
    async forceLogout() {
      network.logout(SENDER);
    },
    async dropConnection() {
      network.disconnect(SENDER, 1000);
    },
    async restoreConnection() {
      clock.advance(1000);
    },
    async deliverAndRead() {
      clock.advance(60_000);
    },
    async sendInbound(from, text) {
      network.receive(from, SENDER, text);
    },
    async received(to) {
      return network.records.receivedBy(to).map((m) => ({ id: m.ref, type: m.type, text: m.text }));
    },
    async [Symbol.asyncDispose]() {
      for (const driver of drivers) await driver.close();
      await close();
      await network.close();
    },
  };
}

driverContract(
  'simulator in-process',
  () =>
    simulatorHarness(async (network) => ({ link: new InProcessLink({ network }), close: async () => {} })),
  { redelivers: true },
);

driverContract(
  'simulator remote',
  () =>
    simulatorHarness(async (network, clock) => {
      const server = await createSimulatorServer({ network, clock });
      const url = await server.listen({ port: 0, host: '127.0.0.1' });
      return { link: new HttpLink({ baseUrl: url, clock: new SystemClock() }), close: () => server.close() };
    }),
  { redelivers: true },
);
