import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followEvents } from '../../src/cli/sse-reader.ts';
import { type SseEvent, SseParser } from '../../src/system/sse-parser.ts';
import { ManualClock } from '../support/manual-clock.ts';

const kurirStream =
  'retry: 2000\n: connected, last event 4\n\n' +
  'id: 5\nevent: message.sent\ndata: {"id":5,"type":"message.sent"}\n\n' +
  ': keep-alive\n\n' +
  'event: reset\ndata: {"reason":"events after 1 are no longer held"}\n\n' +
  'id: 6\nevent: campaign.completed\ndata: {"id":6}\n\n';

const expected: SseEvent[] = [
  { id: '5', type: 'message.sent', data: '{"id":5,"type":"message.sent"}' },
  { id: '5', type: 'reset', data: '{"reason":"events after 1 are no longer held"}' },
  { id: '6', type: 'campaign.completed', data: '{"id":6}' },
];

test("parses Kurir's stream: ids, types, data, comments and the retry delay", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(kurirStream), expected);
  assert.equal(parser.retryMs, 2000);
  assert.equal(parser.lastEventId, '6');
});

test('the same events come out however the text is cut into chunks, with LF, CRLF or CR line ends', () => {
  for (const ending of ['\n', '\r\n', '\r']) {
    const text = kurirStream.replaceAll('\n', ending);
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      assert.deepEqual(events, expected, `${JSON.stringify(ending)} cut at ${cut}`);
    }
    const parser = new SseParser();
    const oneByOne = [...text].flatMap((ch) => parser.push(ch));
    assert.deepEqual(oneByOne, expected, `${JSON.stringify(ending)} one character at a time`);
  }
});

test('data lines join with a newline and only one space after the colon is dropped', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: a\ndata:  b\ndata\ndata:c\n\n'), [
    { id: '', type: 'message', data: 'a\n b\n\nc' },
  ]);
});

test('an event without data is not dispatched, but its id still counts', () => {
  const parser = new SseParser('3');
  assert.deepEqual(parser.push('id: 4\nevent: ping\n\n'), []);
  assert.equal(parser.lastEventId, '4');
  assert.deepEqual(parser.push('data: x\n\n'), [{ id: '4', type: 'message', data: 'x' }]);
});

test('an id is resumed from only once its event has ended', () => {
  const parser = new SseParser();
  parser.push('id: 9\ndata: half');
  assert.equal(parser.lastEventId, '', 'the event is not complete yet');
  parser.push('\n\n');
  assert.equal(parser.lastEventId, '9');
});

test('a leading BOM, unknown fields, ids with NUL and retry values that are not digits are ignored', () => {
  const parser = new SseParser('1');
  const events = parser.push('\uFEFFdata: x\nfoo: bar\n\nid: a\0b\nretry: 2s\ndata: y\n\n');
  assert.deepEqual(events, [
    { id: '1', type: 'message', data: 'x' },
    { id: '1', type: 'message', data: 'y' },
  ]);
  assert.equal(parser.retryMs, null);
});

test('an event cut off by the end of the stream is never dispatched', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('id: 1\ndata: x\n'), []);
});

/** A body that yields `chunks`, then ends, or with `hold`, stays open until aborted. */
async function* body(chunks: string[], signal: AbortSignal, hold = false): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield new TextEncoder().encode(c);
  if (hold) {
    await new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

/** Records what followEvents reports and lets a test wait for a condition on it. */
function recorder() {
  const log: string[] = [];
  let wake = () => {};
  const note = (entry: string) => {
    log.push(entry);
    wake();
  };
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((resolve) => (wake = resolve));
  };
  return { log, note, until };
}

test('a dropped stream is reopened after the retry delay with the last event id, and events continue', async () => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const r = recorder();
  const opened: (string | null)[] = [];
  const following = followEvents({
    clock,
    signal: controller.signal,
    open: async (lastEventId, signal) => {
      opened.push(lastEventId);
      return opened.length === 1
        ? body(['retry: 500\n\nid: 1\ndata: a\n\nid: 2\nda', 'ta: b\n\n'], signal)
        : body(['id: 3\ndata: c\n\n'], signal, true);
    },
    onOpen: () => r.note('open'),
    onEvent: (e) => r.note(`${e.id}:${e.data}`),
    onDrop: () => r.note('drop'),
  });
  await r.until(() => r.log.includes('drop'));
  assert.deepEqual(r.log, ['open', '1:a', '2:b', 'drop']);
  assert.equal(opened.length, 1, 'no reconnect before the delay');
  clock.advance(499);
  assert.equal(opened.length, 1, 'the server asked for 500 ms');
  clock.advance(1);
  await r.until(() => r.log.includes('3:c'));
  assert.deepEqual(opened, [null, '2']);
  assert.deepEqual(r.log, ['open', '1:a', '2:b', 'drop', 'open', '3:c']);
  controller.abort();
  await following;
  assert.equal(clock.pendingTimers, 0);
});

test('a stream that cannot be opened is retried until it has failed for too long', async () => {
  const clock = new ManualClock();
  const r = recorder();
  let attempts = 0;
  const following = followEvents({
    clock,
    signal: new AbortController().signal,
    retryMs: 1000,
    giveUpAfterMs: 3000,
    open: async () => {
      attempts++;
      throw new Error('connection refused');
    },
    onEvent: () => {},
    onDrop: () => r.note('drop'),
  });
  const outcome = following.then(
    () => 'resolved',
    (error: Error) => error.message,
  );
  for (let drops = 1; drops <= 3; drops++) {
    await r.until(() => r.log.length >= drops);
    clock.advance(1000);
  }
  assert.equal(await outcome, 'connection refused');
  assert.equal(attempts, 4);
});

test('an error that is not worth retrying ends following at once', async () => {
  const following = followEvents({
    clock: new ManualClock(),
    signal: new AbortController().signal,
    open: async () => {
      throw new Error('401');
    },
    retryable: (error) => (error as Error).message !== '401',
    onEvent: () => {},
  });
  await assert.rejects(following, /401/);
});
