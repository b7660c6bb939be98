import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Driver, MessagePart, PartType } from '../../src/drivers/driver.ts';
import { DriverEventRecorder } from './driver-event-recorder.ts';

/** One message as the recipient's phone shows it. */
export interface ReceivedPart {
  /** Kurir's part id, as the driver conveyed it (the WhatsApp id, or callback data). */
  id: string;
  type: PartType;
  /** Text, or caption; null when there is none. */
  text: string | null;
}

/**
 * What the contract needs from one driver's test bed: a network (real, simulated or faked)
 * that the test can steer and inspect. One harness serves one sender; `makeDriver` may be
 * called again to restart the driver for the same sender. Implementations: the simulator
 * (in-process and remote); a Baileys driver would steer a faked socket, a Cloud API driver a
 * local Graph API stand-in (pairing there is a no-op: the token is the session).
 */
export interface DriverHarness {
  /** The sender's number, as `connected` reports it. */
  readonly senderPhone: string;
  /** A new driver for the harness's sender; the harness closes it at the end. */
  makeDriver(): Promise<Driver>;
  /**
   * The phone completes the pairing under way (scans the QR code, types the code). Never
   * called for a network without pairing.
   */
  completePairing(): Promise<void>;
  /** `phone` has no WhatsApp account from now on. */
  makeUnregistered(phone: string): Promise<void>;
  /**
   * The device is unlinked from the phone, outside the driver. Without pairing: the
   * credential the session rests on (an access token) is revoked or expires.
   */
  forceLogout(): Promise<void>;
  /** The connection drops, as on a network blip (without a held connection: it stops answering). */
  dropConnection(): Promise<void>;
  /** The network is reachable again (the driver or network reconnects). */
  restoreConnection(): Promise<void>;
  /** Recipients' phones get and read every accepted part (time passes, webhooks fire…). */
  deliverAndRead(): Promise<void>;
  /** `from` writes `text` to the sender. */
  sendInbound(from: string, text: string): Promise<void>;
  /** What `to`'s phone holds, in arrival order. */
  received(to: string): Promise<ReceivedPart[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface DriverContractOptions {
  /** The driver's network redelivers events a listener failed on (an acknowledging transport). */
  redelivers: boolean;
  /**
   * Events a stopped driver left unacknowledged reach the next driver of the sender (default:
   * as `redelivers`). False for a driver that gives a failed listener the event again itself,
   * in memory, over a network that has already forgotten it (Baileys acknowledges to
   * WhatsApp before it emits): the suite then checks instead that closing ends those retries.
   */
  redeliversAfterRestart?: boolean;
  /**
   * What the driver's network offers; each defaults to true. A feature a network lacks does
   * not skip its tests: they are replaced by tests of what the driver does instead.
   */
  features?: Partial<NetworkFeatures>;
}

export interface NetworkFeatures {
  /**
   * A phone links the session (QR code or code) and can unlink it. Without: the session is
   * a credential in the sender's config (the Cloud API's token), connecting needs no person,
   * and a revoked credential or a logout is `disconnected` without reconnecting.
   */
  pairing: boolean;
  /**
   * Numbers can be looked up, and "no WhatsApp" is told apart from other reasons a message
   * cannot be delivered. Without: lookups leave every number unknown, and an undeliverable
   * number is refused as `invalid_recipient`.
   */
  numberLookup: boolean;
  /**
   * The driver holds a connection, so it notices losing it without sending. Without (plain
   * HTTP calls): the next call notices, is refused `retryable`, and `disconnected` follows.
   */
  heldConnection: boolean;
  /** "typing…" can be shown; without, `capabilities.typing` is false and setTyping does nothing. */
  typing: boolean;
}

const ALICE = '+4915200000002';
const BOB = '+4915200000003';

const textPart = (id: string, to = ALICE, text = `hello ${id}`): MessagePart => ({
  id,
  to,
  type: 'text',
  text,
});

/** A driver whose session is paired and connected, with its events recorded. */
async function connected(h: DriverHarness) {
  const driver = await h.makeDriver();
  const events = new DriverEventRecorder(driver);
  await driver.connect();
  await Promise.race([events.waitFor('qr'), events.waitFor('pairing_code'), events.waitFor('connected')]);
  if (!events.events.some((e) => e.type === 'connected')) await h.completePairing();
  await events.waitFor('connected');
  return { driver, events };
}

/** The behaviour every driver owes the engine, run once per driver implementation. */
export function driverContract(
  name: string,
  harness: () => Promise<DriverHarness>,
  options: DriverContractOptions,
) {
  const withHarness = (title: string, body: (h: DriverHarness) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      await using h = await harness();
      await body(h);
    });
  const features: NetworkFeatures = {
    pairing: true,
    numberLookup: true,
    heldConnection: true,
    typing: true,
    ...options.features,
  };
  /** A test of what a feature does, registered when the network has the feature… */
  const withFeature = (
    feature: keyof NetworkFeatures,
    title: string,
    body: (h: DriverHarness) => Promise<void>,
  ) => {
    if (features[feature]) withHarness(title, body);
  };
  /** …and the test of what the driver does instead, registered when it has not. */
  const withoutFeature = (
    feature: keyof NetworkFeatures,
    title: string,
    body: (h: DriverHarness) => Promise<void>,
  ) => {
    if (!features[feature]) withHarness(title, body);
  };

  withFeature('pairing', 'pairs by QR code, then reports connected with its own number', async (h) => {
    const driver = await h.makeDriver();
    const events = new DriverEventRecorder(driver);
    await driver.connect();
    const qr = await events.waitFor('qr');
    assert.ok(qr.qr.length > 0);
    await h.completePairing();
    assert.deepEqual(await events.waitFor('connected'), { type: 'connected', phone: h.senderPhone });
  });

  withoutFeature(
    'pairing',
    'connects without pairing and reports connected with its own number',
    async (h) => {
      const driver = await h.makeDriver();
      const events = new DriverEventRecorder(driver);
      await driver.connect();
      assert.deepEqual(await events.waitFor('connected'), { type: 'connected', phone: h.senderPhone });
      assert.deepEqual(events.types(), ['connected']);
    },
  );

  withHarness('connecting a connected driver changes nothing', async (h) => {
    const { driver, events } = await connected(h);
    const mark = events.mark;
    await driver.connect();
    await h.sendInbound(BOB, 'marker');
    await events.waitFor('inbound', (e) => e.text === 'marker', mark);
    assert.deepEqual(events.types(mark), ['inbound']);
  });

  withHarness('sends text and every media type under the custom ids, in order', async (h) => {
    const { driver } = await connected(h);
    const media = (type: PartType, url: string, caption?: string): MessagePart => ({
      id: `p-${type}`,
      to: ALICE,
      type,
      ...(caption === undefined ? {} : { text: caption }),
      media: { url, mimeType: 'application/octet-stream', fileName: `f-${type}` },
    });
    const parts = [
      textPart('p-text', ALICE, 'Hallo Alice'),
      media('image', 'https://files.test/a.jpg', 'a picture'),
      media('video', 'https://files.test/a.mp4', 'a film'),
      media('audio', 'https://files.test/a.ogg'),
      media('document', 'https://files.test/a.pdf', 'the terms'),
    ];
    for (const part of parts) {
      const result = await driver.send(part);
      assert.equal(result.ok, true, JSON.stringify(result));
    }
    assert.deepEqual(await h.received(ALICE), [
      { id: 'p-text', type: 'text', text: 'Hallo Alice' },
      { id: 'p-image', type: 'image', text: 'a picture' },
      { id: 'p-video', type: 'video', text: 'a film' },
      { id: 'p-audio', type: 'audio', text: null },
      { id: 'p-document', type: 'document', text: 'the terms' },
    ]);
  });

  withHarness('reports delivery and reading under the part id', async (h) => {
    const { driver, events } = await connected(h);
    const result = await driver.send(textPart('m-receipts'));
    assert.equal(result.ok, true);
    await h.deliverAndRead();
    const delivered = await events.waitFor(
      'receipt',
      (e) => e.messageId === 'm-receipts' && e.status === 'delivered',
    );
    const read = await events.waitFor('receipt', (e) => e.messageId === 'm-receipts' && e.status === 'read');
    assert.ok(read.at >= delivered.at);
    assert.ok(events.events.indexOf(delivered) < events.events.indexOf(read), 'delivered comes before read');
  });

  withFeature(
    'numberLookup',
    'refuses a number without WhatsApp as not_on_whatsapp and delivers nothing',
    async (h) => {
      const { driver } = await connected(h);
      await h.makeUnregistered(BOB);
      const result = await driver.send(textPart('m-nobody', BOB));
      assert.equal(result.ok ? 'accepted' : result.error.kind, 'not_on_whatsapp');
      assert.deepEqual(await h.received(BOB), []);
    },
  );

  withoutFeature(
    'numberLookup',
    'refuses an undeliverable number as invalid_recipient and delivers nothing',
    async (h) => {
      const { driver } = await connected(h);
      await h.makeUnregistered(BOB);
      const result = await driver.send(textPart('m-nobody', BOB));
      assert.equal(result.ok ? 'accepted' : result.error.kind, 'invalid_recipient');
      assert.deepEqual(await h.received(BOB), []);
    },
  );

  withFeature('numberLookup', 'tells which numbers have WhatsApp', async (h) => {
    const { driver } = await connected(h);
    await h.makeUnregistered(BOB);
    const checked = await driver.checkNumbers([ALICE, BOB]);
    assert.equal(checked.get(ALICE), true);
    assert.equal(checked.get(BOB), false);
  });

  withoutFeature('numberLookup', 'leaves numbers it cannot look up unknown', async (h) => {
    const { driver } = await connected(h);
    await h.makeUnregistered(BOB);
    const checked = await driver.checkNumbers([ALICE, BOB]);
    assert.equal(checked.has(ALICE), false);
    assert.equal(checked.has(BOB), false);
  });

  withFeature(
    'pairing',
    'reports an unlink from the phone as logged_out and refuses sends as logged_out',
    async (h) => {
      const { driver, events } = await connected(h);
      await h.forceLogout();
      await events.waitFor('logged_out');
      const result = await driver.send(textPart('m-after-unlink'));
      assert.equal(result.ok ? 'accepted' : result.error.kind, 'logged_out');
      assert.deepEqual(await h.received(ALICE), []);
    },
  );

  withoutFeature(
    'pairing',
    'reports a revoked credential as disconnected without reconnecting and refuses sends',
    async (h) => {
      const { driver, events } = await connected(h);
      const mark = events.mark;
      await h.forceLogout();
      const refused = await driver.send(textPart('m-after-revoke'));
      assert.equal(refused.ok ? 'accepted' : refused.error.kind, 'retryable');
      assert.equal(refused.ok ? null : refused.error.uncertain, undefined, 'the network said no');
      const lost = await events.waitFor('disconnected', () => true, mark);
      assert.equal(lost.willReconnect, false);
      assert.equal((await driver.send(textPart('m-still-revoked'))).ok, false);
      assert.deepEqual(await h.received(ALICE), []);
    },
  );

  withFeature(
    'pairing',
    'logout unlinks the session, and the next connect needs a new pairing',
    async (h) => {
      const { driver, events } = await connected(h);
      await driver.logout();
      await events.waitFor('logged_out');
      await driver.close();
      const again = await h.makeDriver();
      const next = new DriverEventRecorder(again);
      await again.connect();
      await next.waitFor('qr');
      assert.ok(!next.events.some((e) => e.type === 'connected'));
    },
  );

  withoutFeature(
    'pairing',
    'logout stops the session without reconnecting, and the credential connects a new driver',
    async (h) => {
      const { driver, events } = await connected(h);
      const mark = events.mark;
      await driver.logout();
      const stopped = await events.waitFor('disconnected', () => true, mark);
      assert.equal(stopped.willReconnect, false);
      const refused = await driver.send(textPart('m-after-logout'));
      assert.equal(refused.ok ? 'accepted' : refused.error.kind, 'logged_out');
      await driver.close();
      const again = await h.makeDriver();
      const next = new DriverEventRecorder(again);
      await again.connect();
      await next.waitFor('connected');
      assert.ok(!next.events.some((e) => e.type === 'qr' || e.type === 'pairing_code'));
      assert.deepEqual(await h.received(ALICE), []);
    },
  );

  withHarness('passes inbound messages on with their sender and text', async (h) => {
    const { events } = await connected(h);
    await h.sendInbound(BOB, 'Do you ship to Berlin?');
    const inbound = await events.waitFor('inbound');
    assert.equal(inbound.from, BOB);
    assert.equal(inbound.text, 'Do you ship to Berlin?');
    assert.ok(inbound.id.length > 0);
  });

  withFeature(
    'heldConnection',
    'reports a dropped connection and its return, then sends again',
    async (h) => {
      const { driver, events } = await connected(h);
      const mark = events.mark;
      await h.dropConnection();
      const lost = await events.waitFor('disconnected', () => true, mark);
      assert.equal(lost.willReconnect, true);
      const refused = await driver.send(textPart('m-offline'));
      assert.equal(refused.ok ? 'accepted' : refused.error.kind, 'retryable');
      await h.restoreConnection();
      await events.waitFor('connected', () => true, mark);
      assert.equal((await driver.send(textPart('m-online'))).ok, true);
    },
  );

  withoutFeature(
    'heldConnection',
    'notices a lost network on the next send, reports its return, then sends again',
    async (h) => {
      const { driver, events } = await connected(h);
      const mark = events.mark;
      await h.dropConnection();
      const refused = await driver.send(textPart('m-offline'));
      assert.equal(refused.ok ? 'accepted' : refused.error.kind, 'retryable');
      const lost = await events.waitFor('disconnected', () => true, mark);
      assert.equal(lost.willReconnect, true);
      await h.restoreConnection();
      await events.waitFor('connected', () => true, mark);
      assert.equal((await driver.send(textPart('m-online'))).ok, true);
    },
  );

  withHarness('a restarted driver resumes the paired session without pairing', async (h) => {
    const { driver } = await connected(h);
    await driver.close();
    const restarted = await h.makeDriver();
    const events = new DriverEventRecorder(restarted);
    await restarted.connect();
    await events.waitFor('connected');
    assert.ok(!events.events.some((e) => e.type === 'qr' || e.type === 'pairing_code'));
    assert.equal((await restarted.send(textPart('m-after-restart'))).ok, true);
  });

  withHarness('close stops events and is safe to call twice', async (h) => {
    const { driver, events } = await connected(h);
    await driver.close();
    await driver.close();
    const mark = events.mark;
    await h.sendInbound(BOB, 'after close');
    const next = await h.makeDriver();
    const nextEvents = new DriverEventRecorder(next);
    await next.connect();
    await nextEvents.waitFor('connected');
    await h.sendInbound(BOB, 'to the new driver');
    await nextEvents.waitFor('inbound', (e) => e.text === 'to the new driver');
    assert.deepEqual(events.types(mark), [], 'the closed driver heard nothing');
  });

  withFeature('typing', 'typing can be shown and cleared', async (h) => {
    const { driver } = await connected(h);
    assert.equal(driver.capabilities.typing, true);
    await driver.setTyping(ALICE, 'composing');
    await driver.setTyping(ALICE, 'paused');
  });

  withoutFeature('typing', 'declares no typing, and setTyping sends nothing', async (h) => {
    const { driver } = await connected(h);
    assert.equal(driver.capabilities.typing, false);
    await driver.setTyping(ALICE, 'composing');
    await driver.setTyping(ALICE, 'paused');
    assert.deepEqual(await h.received(ALICE), []);
  });

  if (options.redelivers) {
    withHarness('an event a listener failed on comes again, and then only once', async (h) => {
      const { driver } = await connected(h);
      let failures = 0;
      const handled: string[] = [];
      const { promise: sawFlaky, resolve } = Promise.withResolvers<void>();
      driver.onEvent(async (event) => {
        if (event.type !== 'inbound') return;
        if (event.text === 'flaky' && failures === 0) {
          failures += 1;
          throw new Error('the store was busy');
        }
        handled.push(event.text);
        if (event.text === 'flaky') resolve();
      });
      await h.sendInbound(BOB, 'flaky');
      await h.sendInbound(BOB, 'after');
      await sawFlaky;
      // Events after a failed one may be handed over before it comes again, and come again
      // with it: listeners are idempotent. The failed one is handled once it succeeds.
      assert.deepEqual(
        handled.filter((t) => t === 'flaky'),
        ['flaky'],
      );
      assert.ok(handled.includes('after'));
    });

    if (options.redeliversAfterRestart === false) {
      withHarness('a closed driver stops giving a failed event to its listeners again', async (h) => {
        const { driver, events } = await connected(h);
        let calls = 0;
        const { promise: retried, resolve } = Promise.withResolvers<void>();
        driver.onEvent((event) => {
          if (event.type !== 'inbound' || event.text !== 'doomed') return;
          calls += 1;
          if (calls === 2) resolve();
          throw new Error('the store is down');
        });
        await h.sendInbound(BOB, 'doomed');
        await retried;
        await driver.close();
        const callsAtClose = calls;
        const next = await h.makeDriver();
        const nextEvents = new DriverEventRecorder(next);
        await next.connect();
        await nextEvents.waitFor('connected');
        await h.sendInbound(BOB, 'after the restart');
        await nextEvents.waitFor('inbound', (e) => e.text === 'after the restart');
        assert.equal(calls, callsAtClose, 'no listener of the closed driver ran again');
        assert.ok(!events.events.some((e) => e.type === 'inbound' && e.text === 'after the restart'));
      });
    }

    const afterRestart = options.redeliversAfterRestart === false ? () => {} : withHarness;
    afterRestart(
      'a driver started after another stopped gets the events it left unacknowledged',
      async (h) => {
        const { driver, events } = await connected(h);
        // A listener that never finishes: the process "dies" while persisting the first inbound.
        driver.onEvent((event) => (event.type === 'inbound' ? new Promise<void>(() => {}) : undefined));
        const mark = events.mark;
        await h.sendInbound(BOB, 'one');
        await h.sendInbound(BOB, 'two');
        await events.waitFor('inbound', (e) => e.text === 'two', mark);
        await driver.close();
        const next = await h.makeDriver();
        const nextEvents = new DriverEventRecorder(next);
        await next.connect();
        await nextEvents.waitFor('inbound', (e) => e.text === 'two');
        assert.deepEqual(
          nextEvents.events.flatMap((e) => (e.type === 'inbound' ? [e.text] : [])),
          ['one', 'two'],
        );
      },
    );
  }
}
