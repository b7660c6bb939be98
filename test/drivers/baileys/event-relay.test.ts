import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { EventRelay } from '../../../src/drivers/baileys/event-relay.ts';
import type { DriverEvent } from '../../../src/drivers/driver.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { settle } from './driver-fixture.ts';

const inbound = (text: string): DriverEvent => ({
  type: 'inbound',
  id: text,
  from: '+4915200000003',
  text,
  at: 0,
});
const textOf = (event: DriverEvent) => (event.type === 'inbound' ? event.text : event.type);

function relayFixture(dispatch: (event: DriverEvent) => Promise<void>) {
  const clock = new ManualClock();
  const relay = new EventRelay({
    clock,
    dispatch,
    retryAfterMs: 100,
    maxRetryAfterMs: 400,
    log: pino({ level: 'silent' }),
  });
  return { clock, relay };
}

test('events reach listeners in the order pushed, even when an earlier batch resolves later', async () => {
  const seen: string[] = [];
  const { relay } = relayFixture(async (event) => {
    seen.push(textOf(event));
  });
  const slow = Promise.withResolvers<readonly DriverEvent[]>();
  relay.push([inbound('a')]);
  relay.push(slow.promise);
  relay.push([inbound('d')]);
  await settle();
  assert.deepEqual(seen, ['a']);
  slow.resolve([inbound('b'), inbound('c')]);
  await settle();
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
});

test('the next event is handed over before the previous one’s listener resolved', async () => {
  const started: string[] = [];
  const gates = new Map<string, PromiseWithResolvers<void>>();
  const { relay } = relayFixture((event) => {
    started.push(textOf(event));
    const gate = Promise.withResolvers<void>();
    gates.set(textOf(event), gate);
    return gate.promise;
  });
  relay.push([inbound('a'), inbound('b')]);
  await settle();
  assert.deepEqual(started, ['a', 'b']);
  for (const gate of gates.values()) gate.resolve();
});

test('a failed event comes again after a growing wait, with the events handed over after it', async () => {
  const seen: string[] = [];
  let failuresLeft = 2;
  const { clock, relay } = relayFixture(async (event) => {
    seen.push(textOf(event));
    if (textOf(event) === 'a' && failuresLeft > 0) {
      failuresLeft--;
      throw new Error('the store is busy');
    }
  });
  relay.push([inbound('a'), inbound('b')]);
  await settle();
  assert.deepEqual(seen, ['a', 'b']);
  clock.advance(99);
  await settle();
  assert.equal(seen.length, 2);
  clock.advance(1);
  await settle();
  assert.deepEqual(seen, ['a', 'b', 'a', 'b']);
  clock.advance(199);
  await settle();
  assert.equal(seen.length, 4, 'the second wait is twice the first');
  clock.advance(1);
  await settle();
  assert.deepEqual(seen, ['a', 'b', 'a', 'b', 'a', 'b']);
  relay.push([inbound('c')]);
  await settle();
  assert.deepEqual(seen.at(-1), 'c');
  assert.equal(clock.pendingTimers, 0);
});

test('a batch that cannot be read is skipped, and the rest go on', async () => {
  const seen: string[] = [];
  const { relay } = relayFixture(async (event) => {
    seen.push(textOf(event));
  });
  relay.push(Promise.reject(new Error('unreadable')));
  relay.push([inbound('after')]);
  await settle();
  assert.deepEqual(seen, ['after']);
});

test('stopping hands over nothing more and cancels a pending retry', async () => {
  const seen: string[] = [];
  const { clock, relay } = relayFixture(async (event) => {
    seen.push(textOf(event));
    throw new Error('down');
  });
  relay.push([inbound('a')]);
  await settle();
  assert.equal(clock.pendingTimers, 1);
  relay.stop();
  assert.equal(clock.pendingTimers, 0);
  relay.push([inbound('b')]);
  await settle();
  assert.deepEqual(seen, ['a']);
});
