import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SenderEventLog, type SequencedEvent } from '../../../src/drivers/simulator/sender-event-log.ts';

const inbound = (id: string) => ({ type: 'inbound' as const, id, from: '+4915200000002', text: id, at: 0 });

test('a new subscriber gets every unacknowledged event, then the new ones, in order', () => {
  const log = new SenderEventLog('log-1');
  log.append(inbound('a'));
  log.append(inbound('b'));
  log.append(inbound('c'));
  log.ack(1);
  const seen: SequencedEvent[] = [];
  log.subscribe((e) => seen.push(e));
  log.append(inbound('d'));
  assert.deepEqual(
    seen.map((e) => [e.seq, e.event.type === 'inbound' && e.event.id]),
    [
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ],
  );
  assert.equal(log.pending, 3);
});

test('acknowledgement is cumulative, never moves back, and drops what it covers', () => {
  const log = new SenderEventLog('log-1');
  for (const id of ['a', 'b', 'c']) log.append(inbound(id));
  log.ack(2);
  log.ack(1);
  assert.equal(log.ackedSeq, 2);
  assert.equal(log.pending, 1);
  log.ack(99);
  assert.equal(log.ackedSeq, 3, 'cannot acknowledge what was never sent');
  assert.equal(log.append(inbound('d')).seq, 4);
});

test('ending the log tells each subscriber, and an ended subscription gets nothing more', () => {
  const log = new SenderEventLog('log-1');
  let ended = 0;
  const seen: number[] = [];
  const sub = log.subscribe(
    (e) => seen.push(e.seq),
    () => ended++,
  );
  log.append(inbound('a'));
  sub.end();
  log.append(inbound('b'));
  log.subscribe(
    () => {},
    () => ended++,
  );
  log.endAll();
  assert.deepEqual(seen, [1]);
  assert.equal(ended, 1);
});
