import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { call, createTestApp, multipart, type TestApp } from '../support/test-app.ts';

/** An image that does not compress well: random noise, 1600×1200. */
async function bigImage(): Promise<Buffer> {
  const raw = randomBytes(1600 * 1200 * 3);
  return sharp(raw, { raw: { width: 1600, height: 1200, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * A valid PNG of 16,400 × 16,400 black-and-white pixels, just over the 16,383² Kurir
 * decodes: one colour, so it deflates to ~150 KB. `paddingBytes` of text in a tEXt chunk
 * make the file itself as large as a test needs.
 */
function hugePng(paddingBytes = 0): Buffer {
  const side = 16_400;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth; colour type 0 (grey), no interlace
  const rows = Buffer.alloc((1 + Math.ceil(side / 8)) * side);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(paddingBytes > 0
      ? [chunk('tEXt', Buffer.from(`Comment\0${'x'.repeat(paddingBytes)}`, 'latin1'))]
      : []),
    chunk('IDAT', zlib.deflateSync(rows, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function upload(t: TestApp, bytes: Buffer, name: string, type: string) {
  const form = multipart({}, { name, content: bytes, type });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/files',
    headers: { ...t.auth, ...form.headers },
    payload: form.payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; size: number };
}

/** A template with `attachments`, a simulator sender and a campaign over them, then its start. */
async function startCampaign(
  t: TestApp,
  template: { name: string; variants: string[]; attachments: unknown[] },
) {
  const post = (url: string, payload?: object) => call(t, 'POST', url, payload);
  const tpl = (await post('/v1/templates', template)).json();
  const sender = (
    await post('/v1/senders', {
      name: 'S',
      driver: 'simulator',
      config: { phone: '+15550100001', autoPair: true },
    })
  ).json();
  const campaign = (
    await post('/v1/campaigns', { name: 'C', templateId: tpl.id, senderIds: [sender.id] })
  ).json();
  const started = await post(`/v1/campaigns/${campaign.id}/start`);
  return { campaignId: campaign.id as string, started };
}

test('a large image is re-encoded under 350 KB once, when the campaign starts', async () => {
  await using t = await createTestApp();
  const source = await bigImage();
  assert.ok(source.length > 5_000_000);
  const file = await upload(t, source, 'holiday.png', 'image/png');
  await t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    headers: t.auth,
    payload: { phone: '+4915112345678', name: 'Ana' },
  });
  const { campaignId, started } = await startCampaign(t, {
    name: 'Pic',
    variants: ['Look'],
    attachments: [{ type: 'image', fileId: file.id, caption: 'For {{name}}' }],
  });
  assert.equal(started.statusCode, 200, started.body);
  const stored = await t.store.campaigns.find(campaignId);
  const attachment = stored?.template?.attachments[0];
  assert.ok(
    attachment?.fileId !== undefined && attachment.fileId !== file.id,
    'the snapshot points at a new file',
  );
  assert.equal(attachment?.fileName, 'holiday.jpg');
  assert.equal(attachment?.caption, 'For {{name}}');
  const shrunk = await t.store.files.get(t.workspace.id, attachment?.fileId ?? '');
  assert.equal(shrunk?.contentType, 'image/jpeg');
  assert.ok((shrunk?.size ?? Infinity) <= 350 * 1024, `${shrunk?.size} bytes`);
  const content = await t.app.inject({
    method: 'GET',
    url: `/v1/files/${shrunk?.id}/content`,
    headers: t.auth,
  });
  const meta = await sharp(content.rawPayload).metadata();
  assert.equal(meta.format, 'jpeg');
  await t.runUntil(async () => (await t.store.campaigns.find(campaignId))?.status === 'completed');
  const got = t.network.records.receivedBy('+4915112345678');
  assert.equal(got.length, 2, 'the text and the image');
  assert.ok(got[1]?.mediaUrl?.endsWith(shrunk?.id ?? 'x'), 'the shrunk file was sent');
  assert.equal(got[1]?.text, 'For Ana');
});

test('a small image is sent as it is', async () => {
  await using t = await createTestApp();
  const small = await sharp({ create: { width: 50, height: 50, channels: 3, background: 'red' } })
    .png()
    .toBuffer();
  const file = await upload(t, small, 'dot.png', 'image/png');
  // Someone to send to: a campaign to nobody does not start.
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678', name: 'Ana' });
  const { campaignId } = await startCampaign(t, {
    name: 'Dot',
    variants: ['x'],
    attachments: [{ type: 'image', fileId: file.id }],
  });
  assert.equal((await t.store.campaigns.find(campaignId))?.template?.attachments[0]?.fileId, file.id);
});

test('a video over the limit of a Cloud API-sized driver is refused with the numbers', async () => {
  await using t = await createTestApp({
    probeMedia: async () => ({ size: 80 * 1024 * 1024, contentType: 'video/mp4' }),
  });
  const { started: res } = await startCampaign(t, {
    name: 'Vid',
    variants: ['x'],
    attachments: [{ type: 'video', url: 'https://example.com/v.mp4' }],
  });
  assert.equal(res.statusCode, 422, res.body);
  assert.match(
    res.json().errors[0].detail,
    /83886080 bytes; simulator senders take video up to 67108864 bytes/,
  );
});

test('a large image with more pixels than Kurir decodes is refused naming its size and the limit', async () => {
  await using t = await createTestApp();
  const png = hugePng(400 * 1024);
  assert.ok(png.length > 350 * 1024, 'over the size that gets it shrunk');
  assert.deepEqual(
    await sharp(png, { limitInputPixels: false })
      .metadata()
      .then((m) => [m.format, m.width, m.height]),
    ['png', 16_400, 16_400],
    'a PNG sharp reads',
  );
  const file = await upload(t, png, 'map.png', 'image/png');
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678', name: 'Ana' });
  const { started } = await startCampaign(t, {
    name: 'Map',
    variants: ['x'],
    attachments: [{ type: 'image', fileId: file.id }],
  });
  assert.equal(started.statusCode, 422, started.body);
  assert.equal(started.json().code, 'campaign.invalid');
  assert.deepEqual(started.json().errors, [
    { pointer: '/template/attachments/0', detail: 'has too many pixels: 16400×16400, limit 268402689' },
  ]);
});

test('a small file declaring more pixels than Kurir decodes is refused too, not sent as it is', async () => {
  await using t = await createTestApp();
  const png = hugePng();
  assert.ok(png.length < 350 * 1024, `${png.length} bytes: under the size that gets it shrunk`);
  const file = await upload(t, png, 'bomb.png', 'image/png');
  await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678', name: 'Ana' });
  const { campaignId, started } = await startCampaign(t, {
    name: 'Bomb',
    variants: ['x'],
    attachments: [{ type: 'image', fileId: file.id }],
  });
  assert.equal(started.statusCode, 422, started.body);
  assert.match(started.json().errors[0].detail, /^has too many pixels: 16400×16400, limit 268402689$/);
  assert.equal((await t.store.campaigns.find(campaignId))?.status, 'draft');
});
