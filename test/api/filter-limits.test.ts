import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../support/stores.ts';
import { call, createTestApp, type TestApp } from '../support/test-app.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A query string with `n` field filters, `tags` tags and `statuses` statuses. */
function filterQuery(n: number, tags = 0, statuses = 0): string {
  return [
    ...range(n).map((i) => `field.f${i}=v${i}`),
    ...range(tags).map((i) => `tag=t${i}`),
    ...range(statuses).map((i) => `status=s${i}`),
  ].join('&');
}

/** One contact every part of the widest filter matches, and one it does not. */
async function matchingContact(t: TestApp): Promise<string> {
  const fields = Object.fromEntries(range(20).map((i) => [`f${i}`, `v${i}`]));
  const match = await call(t, 'POST', '/v1/contacts', {
    phone: '+4915112345678',
    name: 'Ana',
    fields,
    tags: ['t7'],
    status: 's3',
  });
  assert.equal(match.statusCode, 201, match.body);
  await call(t, 'POST', '/v1/contacts', {
    phone: '+4915112345679',
    name: 'Bo',
    fields: { ...fields, f19: 'other' },
    tags: ['t7'],
    status: 's3',
  });
  return match.json().id;
}

/** Makes a template and a simulator sender, and answers a function creating campaigns over them. */
async function campaignMaker(t: TestApp) {
  const template = (await call(t, 'POST', '/v1/templates', { name: 'T', variants: ['Hi'] })).json();
  const sender = (
    await call(t, 'POST', '/v1/senders', {
      name: 'S',
      driver: 'simulator',
      config: { phone: '+15550100001', autoPair: true },
    })
  ).json();
  return (audience: unknown) =>
    call(t, 'POST', '/v1/campaigns', {
      name: 'C',
      templateId: template.id,
      senderIds: [sender.id],
      audience,
    });
}

for (const backend of backends) {
  test(`${backend}: a thousand field filters get 400 naming the parameter, on the list and the export`, async () => {
    await using t = await createTestApp({ backend });
    for (const path of ['/v1/contacts', '/v1/contacts/export']) {
      const res = await call(t, 'GET', `${path}?${filterQuery(1000)}`);
      assert.equal(res.statusCode, 400, `${path}: ${res.body.slice(0, 300)}`);
      assert.equal(res.json().code, 'request.invalid');
      assert.deepEqual(res.json().errors, [
        { parameter: 'field.<key>', detail: 'is given 1000 times; at most 20 field filters per request' },
      ]);
    }
    const one = await call(t, 'GET', `/v1/contacts?${filterQuery(21)}`);
    assert.equal(one.statusCode, 400, 'one over the limit is refused too');
    assert.ok(!t.logs().includes('"level":50'), 'nothing was logged as a server error');
  });

  test(`${backend}: the widest filter allowed selects the same contacts everywhere a filter becomes SQL`, async () => {
    await using t = await createTestApp({ backend });
    const id = await matchingContact(t);
    // 20 fields, 50 tags, 20 statuses and a search: each limit at its maximum.
    const query = `${filterQuery(20, 50, 20)}&q=an`;

    const list = await call(t, 'GET', `/v1/contacts?${query}`);
    assert.equal(list.statusCode, 200, list.body.slice(0, 300));
    assert.deepEqual(
      list.json().data.map((c: { id: string }) => c.id),
      [id],
    );

    const csv = await call(t, 'GET', `/v1/contacts/export?${query}`);
    assert.equal(csv.statusCode, 200, csv.body.slice(0, 300));
    assert.equal(csv.body.trim().split('\n').length, 2, 'the header and one contact');

    const fields = Object.fromEntries(range(20).map((i) => [`f${i}`, `v${i}`]));
    const tags = range(50).map((i) => `t${i}`);
    const status = range(20).map((i) => `s${i}`);
    const campaignWith = await campaignMaker(t);
    const campaign = await campaignWith({ fields, tags, status });
    assert.equal(campaign.statusCode, 201, campaign.body.slice(0, 300));
    const shown = await call(t, 'GET', `/v1/campaigns/${campaign.json().id}`);
    assert.equal(shown.json().audienceSize, 1);
    const started = await call(t, 'POST', `/v1/campaigns/${campaign.json().id}/start`);
    assert.equal(started.statusCode, 200, started.body.slice(0, 300));
    await t.runUntil(async () => (await t.store.campaigns.find(campaign.json().id))?.counts.total === 1);

    const tooMany = await campaignWith({
      fields: Object.fromEntries(range(21).map((i) => [`f${i}`, 'x'])),
    });
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().errors[0].pointer, '/audience/fields');

    const deleted = await call(t, 'POST', '/v1/contacts/bulk-delete', {
      filter: { q: 'an', fields, tags, status },
    });
    assert.deepEqual(deleted.json(), { deleted: 1 });
    assert.equal((await call(t, 'GET', '/v1/contacts')).json().data.length, 1, 'Bo is still there');
  });

  test(`${backend}: an audience of 100,000 contact ids is checked in one statement, not refused with a 500`, async () => {
    await using t = await createTestApp({ backend });
    const real = (await call(t, 'POST', '/v1/contacts', { phone: '+4915112345678' })).json().id;
    // Short ids that fit the pattern, so that 100,000 of them fit the 1 MB body limit.
    const ids = [real, ...range(99_999).map((i) => `ct_${i.toString(36)}`)];
    const res = await (await campaignMaker(t))({ contactIds: ids });
    assert.equal(res.statusCode, 422, res.body.slice(0, 300));
    assert.equal(res.json().code, 'campaign.invalid');
    assert.deepEqual(res.json().errors[0], {
      pointer: '/audience/contactIds/1',
      detail: 'is not a contact of this workspace',
    });
    assert.ok(!t.logs().includes('"level":50'), 'nothing was logged as a server error');
  });
}
