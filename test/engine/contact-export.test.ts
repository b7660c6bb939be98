import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, test } from 'node:test';
import type { Contact } from '../../src/domain/contact.ts';
import type { Suppression } from '../../src/domain/suppression.ts';
import { contactsCsv, suppressionsCsv } from '../../src/engine/contact-export.ts';
import { ImporterFixture } from './contact-import/importer-fixture.ts';

const AT = Date.UTC(2026, 0, 5, 9, 30, 0);

function contact(extra: Partial<Contact>): Contact {
  return {
    id: 'ct_1',
    workspaceId: 'ws_1',
    phone: '+4915123456789',
    name: null,
    fields: {},
    tags: [],
    status: null,
    consent: null,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe('contact export', () => {
  test('writes the fixed columns, then one per field key, quoting what needs it', async () => {
    const csv = await text(
      contactsCsv(
        each([
          contact({
            name: 'Doe, "JD"',
            tags: ['vip', 'news'],
            status: 'customer',
            consent: { optedInAt: AT, source: 'form' },
            fields: { city: 'Köln\nMitte', score: 7, paid: true },
          }),
          contact({ id: 'ct_2', phone: '+4915223456789' }),
        ]),
        ['city', 'score', 'paid', 'missing'],
      ),
    );
    assert.equal(
      csv,
      'phone,name,status,tags,consent_at,consent_source,created_at,city,score,paid,missing\n' +
        '+4915123456789,"Doe, ""JD""",customer,vip;news,2026-01-05T09:30:00.000Z,form,2026-01-05T09:30:00.000Z,"Köln\nMitte",7,true,\n' +
        '+4915223456789,,,,,,2026-01-05T09:30:00.000Z,,,,\n',
    );
    assert.ok(!csv.startsWith('\uFEFF'), 'no BOM');
  });

  test('neutralises formulas in every cell a person wrote, but never in the phone', async () => {
    const csv = await text(
      contactsCsv(
        each([
          contact({
            name: '=HYPERLINK("http://evil","x")',
            status: '@status',
            tags: ['-1', 'b'],
            consent: { optedInAt: AT, source: '+source' },
            fields: { note: '\t=1', n: -5 },
          }),
        ]),
        ['note', 'n'],
      ),
    );
    const [, row] = csv.split('\n');
    assert.equal(
      row,
      `+4915123456789,"'=HYPERLINK(""http://evil"",""x"")",'@status,'-1;b,2026-01-05T09:30:00.000Z,'+source,2026-01-05T09:30:00.000Z,'\t=1,'-5`,
    );
  });

  test('the suppression list has phone, reason, note and created_at, the note neutralised', async () => {
    const items: Suppression[] = [
      {
        id: 's1',
        workspaceId: 'ws_1',
        phone: '+4915123456789',
        reason: 'opt_out',
        note: '=cmd',
        createdAt: AT,
      },
      { id: 's2', workspaceId: 'ws_1', phone: '+4915223456789', reason: 'manual', note: null, createdAt: AT },
    ];
    assert.equal(
      await text(suppressionsCsv(each(items))),
      'phone,reason,note,created_at\n' +
        "+4915123456789,opt_out,'=cmd,2026-01-05T09:30:00.000Z\n" +
        '+4915223456789,manual,,2026-01-05T09:30:00.000Z\n',
    );
  });

  test('a failing source ends the stream with its error, not as a whole file', async () => {
    async function* broken(): AsyncGenerator<Contact> {
      yield contact({});
      throw new Error('database went away');
    }
    const stream: Readable = contactsCsv(broken(), []);
    await assert.rejects(text(stream), /database went away/);
  });

  test('an export imports back into the same contacts', async () => {
    await using f = await ImporterFixture.open();
    const originals = [
      contact({
        id: f.newId('ct'),
        workspaceId: f.workspace.id,
        name: '=Boss, "B"',
        tags: ['vip', '-minus'],
        status: 'lead',
        fields: { city: 'Köln\r\nMitte', note: '@home; a,b', score: '-5' },
      }),
      contact({
        id: f.newId('ct'),
        workspaceId: f.workspace.id,
        phone: '+4915223456789',
        name: 'Zoë',
        fields: { city: 'Berlin' },
      }),
      contact({ id: f.newId('ct'), workspaceId: f.workspace.id, phone: '+14155550123' }),
    ];
    for (const c of originals) await f.store.contacts.create(c);
    const keys = await f.store.contacts.fieldKeys(f.workspace.id);
    const exported = await text(contactsCsv(f.store.contacts.stream(f.workspace.id, {}), keys));

    const source = f.workspace.id;
    await f.useNewWorkspace();
    const job = await f.run(exported);
    assert.equal(job.counts.imported, 3);
    assert.equal(job.counts.rejected, 0);
    const shape = (c: Contact) => ({
      phone: c.phone,
      name: c.name,
      tags: c.tags,
      status: c.status,
      fields: c.fields,
    });
    const again = [];
    for await (const c of f.store.contacts.stream(f.workspace.id, {})) again.push(shape(c));
    const before = [];
    for await (const c of f.store.contacts.stream(source, {})) before.push(shape(c));
    const byPhone = (a: { phone: string }, b: { phone: string }) => a.phone.localeCompare(b.phone);
    assert.deepEqual(again.sort(byPhone), before.sort(byPhone));
  });
});
