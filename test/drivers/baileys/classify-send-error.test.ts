import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySendError } from '../../../src/drivers/baileys/classify-send-error.ts';
import { boom } from './fake-socket.ts';

const mediaError = (statusCode: number) =>
  Object.assign(boom(statusCode, 'Failed to fetch stream from https://files.test/a.jpg?token=s3cret'), {
    data: { url: 'https://files.test/a.jpg?token=s3cret' },
  });

const summary = (error: unknown) => {
  const e = classifySendError(error);
  return [e.kind, e.code, e.uncertain ?? false];
};

test('the session’s state comes first: 401 is logged_out, 403 banned', () => {
  assert.deepEqual(summary(boom(401, 'Intentional Logout')), ['logged_out', '401', false]);
  assert.deepEqual(summary(boom(403, 'forbidden')), ['banned', '403', false]);
});

test('a closed socket never wrote the message: retryable and certain', () => {
  assert.deepEqual(summary(boom(428, 'Connection Closed')), ['retryable', 'connection_closed', false]);
});

test('a timeout or an unknown failure may have left: retryable and uncertain', () => {
  assert.deepEqual(summary(boom(408, 'Timed Out')), ['retryable', 'timeout', true]);
  assert.deepEqual(summary(boom(500, 'Internal')), ['retryable', '500', true]);
  assert.deepEqual(summary(new Error('WebSocket is not open')), ['retryable', 'unknown', true]);
});

test('media the host refuses is permanent, media the host cannot serve now is retryable', () => {
  assert.deepEqual(summary(mediaError(404)), ['permanent', 'media_404', false]);
  assert.deepEqual(summary(mediaError(403)), ['permanent', 'media_403', false], 'not a ban');
  assert.deepEqual(summary(mediaError(503)), ['retryable', 'media_503', false]);
  assert.deepEqual(summary(mediaError(429)), ['retryable', 'media_429', false]);
  assert.deepEqual(summary(new TypeError('fetch failed')), ['retryable', 'media_unreachable', false]);
});

test('a local media file that cannot be read is permanent', () => {
  const missing = Object.assign(new Error("ENOENT: no such file or directory, open '/srv/a.jpg'"), {
    code: 'ENOENT',
  });
  assert.deepEqual(summary(missing), ['permanent', 'media_unreadable', false]);
});

test('other refusals of the request are permanent, and details carry no URL query strings', () => {
  assert.deepEqual(summary(boom(400, 'Invalid media type')), ['permanent', '400', false]);
  const detail = classifySendError(mediaError(404)).detail;
  assert.match(detail, /https:\/\/files\.test\/a\.jpg/);
  assert.doesNotMatch(detail, /s3cret/);
});
