import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DisconnectReason } from 'baileys';
import {
  closeCodes,
  decideOnClose,
  reconnectDelayMs,
  statusOf,
} from '../../../src/drivers/baileys/reconnect-policy.ts';
import { SeededRandom } from '../../support/seeded-random.ts';
import { boom } from './fake-socket.ts';

const paired = { paired: true, offeredPairing: false, restartsSinceOpen: 0 };

test('the close codes are the library’s own', () => {
  assert.equal(closeCodes.loggedOut, DisconnectReason.loggedOut);
  assert.equal(closeCodes.forbidden, DisconnectReason.forbidden);
  assert.equal(closeCodes.timedOut, DisconnectReason.timedOut);
  assert.equal(closeCodes.connectionClosed, DisconnectReason.connectionClosed);
  assert.equal(closeCodes.connectionReplaced, DisconnectReason.connectionReplaced);
  assert.equal(closeCodes.badSession, DisconnectReason.badSession);
  assert.equal(closeCodes.unavailableService, DisconnectReason.unavailableService);
  assert.equal(closeCodes.restartRequired, DisconnectReason.restartRequired);
  assert.equal(closeCodes.multideviceMismatch, DisconnectReason.multideviceMismatch);
});

test('each close code gets its action', () => {
  const action = (code: number | undefined, context = paired) => decideOnClose(code, context).action;
  assert.equal(action(401), 'logged_out');
  assert.equal(action(403), 'banned');
  assert.equal(action(440), 'stop');
  for (const code of [408, 411, 428, 500, 503, 405, undefined]) assert.equal(action(code), 'reconnect');
  const pairing = { paired: false, offeredPairing: true, restartsSinceOpen: 0 };
  assert.equal(action(408, pairing), 'stop', 'the QR codes ran out');
  assert.equal(action(428, pairing), 'reconnect');
  assert.equal(action(408, { ...pairing, offeredPairing: false }), 'reconnect', 'a failed dial');
});

test('a restart request is answered at once the first time only, others wait for the backoff', () => {
  const immediate = (restartsSinceOpen: number) => {
    const decision = decideOnClose(515, { ...paired, restartsSinceOpen });
    return decision.action === 'reconnect' && decision.immediate;
  };
  assert.equal(immediate(1), true);
  assert.equal(immediate(2), false);
  const lost = decideOnClose(428, paired);
  assert.equal(lost.action === 'reconnect' && lost.immediate, false);
});

test('the backoff doubles per attempt up to its cap, each delay jittered in its upper half', () => {
  const random = new SeededRandom(11);
  const backoff = { baseMs: 1000, maxMs: 60_000 };
  const delays = Array.from({ length: 12 }, (_, attempt) => reconnectDelayMs(attempt, backoff, random));
  delays.forEach((delay, attempt) => {
    const ceiling = Math.min(60_000, 1000 * 2 ** attempt);
    assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}: ${delay} ms`);
  });
  assert.ok(Math.max(...delays) <= 60_000);
  assert.ok(new Set(delays.slice(6)).size > 1, 'capped delays still vary');
  assert.ok(reconnectDelayMs(5000, backoff, random) <= 60_000, 'no overflow for a long outage');
});

test('the status of an error is read from a Boom and absent otherwise', () => {
  assert.equal(statusOf(boom(515, 'restart')), 515);
  assert.equal(statusOf(new Error('plain')), undefined);
  assert.equal(statusOf(undefined), undefined);
  assert.equal(statusOf({ output: { statusCode: '401' } }), undefined);
});
