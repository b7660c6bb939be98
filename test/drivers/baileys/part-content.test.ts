import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partContent } from '../../../src/drivers/baileys/part-content.ts';
import type { MessagePart } from '../../../src/drivers/driver.ts';

const part = (extra: Partial<MessagePart>): MessagePart => ({
  id: 'p1',
  to: '+4915200000002',
  type: 'text',
  ...extra,
});

test('text goes as text', () => {
  assert.deepEqual(partContent(part({ text: 'Hallo' })), { text: 'Hallo' });
});

test('images and videos go by URL with their caption, and their own type when it is one of theirs', () => {
  assert.deepEqual(
    partContent(
      part({
        type: 'image',
        text: 'look',
        media: { url: 'https://files.test/a.png', mimeType: 'image/png' },
      }),
    ),
    { image: { url: 'https://files.test/a.png' }, caption: 'look', mimetype: 'image/png' },
  );
  assert.deepEqual(
    partContent(
      part({ type: 'video', media: { url: '/srv/files/a.mp4', mimeType: 'application/octet-stream' } }),
    ),
    { video: { url: '/srv/files/a.mp4' } },
  );
});

test('audio goes as a voice note without a caption', () => {
  assert.deepEqual(
    partContent(
      part({
        type: 'audio',
        text: 'ignored',
        media: { url: 'https://files.test/a.ogg', mimeType: 'audio/mpeg' },
      }),
    ),
    { audio: { url: 'https://files.test/a.ogg' }, ptt: true, mimetype: 'audio/ogg; codecs=opus' },
  );
});

test('documents keep their type and name, and get a name from the URL when they have none', () => {
  assert.deepEqual(
    partContent(
      part({
        type: 'document',
        text: 'the terms',
        media: { url: 'https://files.test/t.pdf', mimeType: 'application/pdf', fileName: 'Terms.pdf' },
      }),
    ),
    {
      document: { url: 'https://files.test/t.pdf' },
      mimetype: 'application/pdf',
      fileName: 'Terms.pdf',
      caption: 'the terms',
    },
  );
  assert.deepEqual(
    partContent(
      part({ type: 'document', media: { url: 'https://files.test/dir/Price%20list.xlsx?sig=secret' } }),
    ),
    {
      document: { url: 'https://files.test/dir/Price%20list.xlsx?sig=secret' },
      mimetype: 'application/octet-stream',
      fileName: 'Price list.xlsx',
    },
  );
});

test('a media part without media is a programming error', () => {
  assert.throws(() => partContent(part({ type: 'image' })), /needs media/);
});
