import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WAMessage } from 'baileys';
import { proto } from 'baileys';
import { inboundEvent, type LidResolver } from '../../../src/drivers/baileys/inbound-event.ts';

const NOW = Date.UTC(2026, 0, 5, 9);
const ALICE_JID = '4915200000002@s.whatsapp.net';
const noLid: LidResolver = async () => null;

const message = (content: proto.IMessage, key: Partial<WAMessage['key']> = {}): WAMessage => ({
  key: { remoteJid: ALICE_JID, fromMe: false, id: 'IN1', ...key },
  message: content,
  messageTimestamp: 1_767_600_000,
});

const read = async (m: WAMessage, resolveLid = noLid) => inboundEvent(m, resolveLid, NOW);

test('plain text is passed on with its sender, id and time', async () => {
  assert.deepEqual(await read(message({ conversation: 'Do you ship to Berlin?' })), {
    type: 'inbound',
    id: 'IN1',
    from: '+4915200000002',
    text: 'Do you ship to Berlin?',
    at: 1_767_600_000_000,
  });
});

test('a reply names the message it quotes', async () => {
  const event = await read(
    message({ extendedTextMessage: { text: 'STOP', contextInfo: { stanzaId: 'm-campaign-1' } } }),
  );
  assert.deepEqual([event?.text, event?.inReplyTo], ['STOP', 'm-campaign-1']);
});

test('media reads as its caption, or as nothing', async () => {
  assert.equal((await read(message({ imageMessage: { caption: 'this one?' } })))?.text, 'this one?');
  assert.equal((await read(message({ audioMessage: { seconds: 3 } })))?.text, '');
});

test('decoded protobuf messages, whose unset fields read as defaults, still find the caption', async () => {
  const decode = (content: proto.IMessage) => proto.Message.decode(proto.Message.encode(content).finish());
  assert.equal(
    (await read(message(decode({ imageMessage: { caption: 'decoded caption' } }))))?.text,
    'decoded caption',
  );
  assert.equal((await read(message(decode({ imageMessage: {} }))))?.text, '');
  assert.equal(
    (await read(message({ conversation: '', imageMessage: { caption: 'caption' } })))?.text,
    'caption',
  );
});

test('disappearing and view-once wrappers are looked through', async () => {
  const wrapped = { ephemeralMessage: { message: { extendedTextMessage: { text: 'wrapped' } } } };
  assert.equal((await read(message(wrapped)))?.text, 'wrapped');
});

test('a chat named by LID takes the number WhatsApp sent beside it, else the session’s mapping', async () => {
  const byAlt = await read(
    message({ conversation: 'hi' }, { remoteJid: '2000000025194@lid', remoteJidAlt: ALICE_JID }),
  );
  assert.equal(byAlt?.from, '+4915200000002');
  const byMapping = await read(
    message({ conversation: 'hi' }, { remoteJid: '2000000025194@lid' }),
    async (lid) => (lid === '2000000025194@lid' ? '+4915200000002' : null),
  );
  assert.equal(byMapping?.from, '+4915200000002');
  assert.equal(await read(message({ conversation: 'hi' }, { remoteJid: '2000000025194@lid' })), null);
});

test('our own messages, groups, status, broadcasts, newsletters and non-messages are not inbound', async () => {
  const skipped = [
    message({ conversation: 'sent from the phone' }, { fromMe: true }),
    message(
      { conversation: 'group chatter' },
      { remoteJid: '120363000000000000@g.us', participant: ALICE_JID },
    ),
    message({ conversation: 'a status' }, { remoteJid: 'status@broadcast' }),
    message({ conversation: 'a list' }, { remoteJid: '1700000000@broadcast' }),
    message({ conversation: 'news' }, { remoteJid: '120363000000000001@newsletter' }),
    message({ reactionMessage: { text: '👍', key: { id: 'm1' } } }),
    message({ protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } }),
    { key: { remoteJid: ALICE_JID, fromMe: false, id: 'IN2' }, messageStubType: 1 } as WAMessage,
  ];
  for (const m of skipped) assert.equal(await read(m), null, JSON.stringify(m.key));
});
