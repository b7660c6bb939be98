/**
 * A Kurir stand-in for the crash test: connects a remote SimulatorDriver for a sender and
 * "persists" receipts by printing them, except that it gets stuck on the one named in its
 * arguments (its listener never resolves), as a process that is killed mid-write would.
 * Usage: node crashing-driver-process.ts <simulator url> <sender> <stuck message id>
 */
import { HttpLink } from '../../../src/drivers/simulator/http-link.ts';
import { SimulatorDriver } from '../../../src/drivers/simulator/simulator-driver.ts';
import { SystemClock } from '../../../src/system/system-clock.ts';

const [url = '', sender = '', stuckOn = ''] = process.argv.slice(2);
const clock = new SystemClock();
const driver = new SimulatorDriver({ link: new HttpLink({ baseUrl: url, clock }), clock, sender });
driver.onEvent((event) => {
  if (event.type === 'connected') console.log('connected');
  if (event.type !== 'receipt') return;
  if (event.messageId === stuckOn) {
    console.log(`stuck ${event.messageId}`);
    return new Promise<void>(() => {});
  }
  console.log(`persisted ${event.messageId}`);
});
await driver.connect();
