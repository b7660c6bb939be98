import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Contact } from '../../src/domain/contact.ts';
import { KurirError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/id.ts';
import type { Job } from '../../src/domain/job.ts';
import type { ImportChunk, ImportedContact } from '../../src/store/contact-import-writer.ts';
import type { Store } from '../../src/store/store.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { type Backend, openTestStore } from '../support/stores.ts';

/**
 * The store's behaviour, written once and run against every backend. A difference between
 * SQLite and PostgreSQL shows up here as a failure on one of them.
 */
export function storeContract(backend: Backend): void {
  describe(`${backend} store`, () => {
    let store: Store;
    let now = Date.UTC(2026, 0, 1);
    const random = new SeededRandom(7);
    const id = (prefix: string) => {
      now += 1;
      return newId(prefix, now, random);
    };

    before(async () => {
      store = await openTestStore(backend);
    });
    after(async () => {
      await store.close();
    });

    async function workspace(name = 'ws') {
      return store.workspaces.create({ id: id('ws'), name, defaultCountry: 'DE', createdAt: now });
    }

    function contact(workspaceId: string, phone: string, extra: Partial<Contact> = {}): Contact {
      return {
        id: id('ct'),
        workspaceId,
        phone,
        name: null,
        fields: {},
        tags: [],
        status: null,
        consent: null,
        createdAt: now,
        updatedAt: now,
        ...extra,
      };
    }

    test(`${backend}: workspaces round-trip and update`, async () => {
      const ws = await workspace('Acme');
      assert.deepEqual(await store.workspaces.get(ws.id), ws);
      const updated = await store.workspaces.update(ws.id, { defaultCountry: 'FR', name: 'Acme 2' });
      assert.equal(updated?.defaultCountry, 'FR');
      assert.equal(updated?.name, 'Acme 2');
      assert.equal(await store.workspaces.get('ws_missing'), null);
    });

    test(`${backend}: an api key authenticates by hash until revoked`, async () => {
      const ws = await workspace();
      const key = {
        id: id('key'),
        workspaceId: ws.id,
        name: 'ci',
        prefix: 'kur_abcd1234',
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.apiKeys.create(key, 'hash-1');
      const found = await store.apiKeys.authenticate('hash-1');
      assert.equal(found?.key.id, key.id);
      assert.equal(found?.workspace.id, ws.id);
      assert.equal(await store.apiKeys.countActive(ws.id), 1);
      assert.equal(await store.apiKeys.revoke(ws.id, key.id, now), true);
      assert.equal(await store.apiKeys.revoke(ws.id, key.id, now), false, 'a second revoke changes nothing');
      assert.equal(await store.apiKeys.authenticate('hash-1'), null);
      assert.equal((await store.apiKeys.list(ws.id))[0]?.revokedAt, now);
    });

    test(`${backend}: contacts keep fields, tags, status and consent`, async () => {
      const ws = await workspace();
      const c = contact(ws.id, '+4915112345678', {
        name: 'Ana',
        fields: { city: 'Berlin', vip: true, orders: 3, note: null },
        tags: ['vip', 'berlin'],
        status: 'customer',
        consent: { optedInAt: now, source: 'form' },
      });
      await store.contacts.create(c);
      assert.deepEqual(await store.contacts.get(ws.id, c.id), c);
      assert.deepEqual(await store.contacts.getByPhone(ws.id, c.phone), c);
      assert.deepEqual(await store.contacts.fieldKeys(ws.id), ['city', 'note', 'orders', 'vip']);
    });

    test(`${backend}: a second contact with the same phone is a duplicate, in its workspace only`, async () => {
      const a = await workspace();
      const b = await workspace();
      await store.contacts.create(contact(a.id, '+4915112345600'));
      await assert.rejects(
        store.contacts.create(contact(a.id, '+4915112345600')),
        (e: unknown) => e instanceof KurirError && e.code === 'contact.duplicate_phone',
      );
      await store.contacts.create(contact(b.id, '+4915112345600'));
    });

    test(`${backend}: updating tags replaces them and the tag filter follows`, async () => {
      const ws = await workspace();
      const c = await store.contacts.create(contact(ws.id, '+4915112345601', { tags: ['a', 'b'] }));
      const updated = await store.contacts.update(ws.id, c.id, { tags: ['c'], name: 'New' }, now + 5);
      assert.deepEqual(updated?.tags, ['c']);
      assert.equal(updated?.name, 'New');
      assert.equal(updated?.updatedAt, now + 5);
      assert.equal(await store.contacts.count(ws.id, { tags: ['a'] }), 0);
      assert.equal(await store.contacts.count(ws.id, { tags: ['c'] }), 1);
      assert.equal(await store.contacts.update(ws.id, 'ct_missing', { name: 'x' }, now), null);
    });

    test(`${backend}: filters by query, tags (any), status and custom field equality`, async () => {
      const ws = await workspace();
      await store.contacts.create(
        contact(ws.id, '+4915100000001', {
          name: 'Ana Lima',
          tags: ['vip'],
          status: 'customer',
          fields: { city: 'Berlin', n: 3, ok: true },
        }),
      );
      await store.contacts.create(
        contact(ws.id, '+4915100000002', {
          name: 'Bo 100%',
          tags: ['new'],
          status: 'prospect',
          fields: { city: 'Hamburg', n: 4, ok: false },
        }),
      );
      await store.contacts.create(contact(ws.id, '+4915100000003', { name: 'Cy_x', tags: ['vip', 'new'] }));
      const count = (f: Parameters<Store['contacts']['count']>[1]) => store.contacts.count(ws.id, f);
      assert.equal(await count({}), 3);
      assert.equal(await count({ q: 'ana' }), 1, 'name match ignores case');
      assert.equal(await count({ q: '0000002' }), 1, 'phone substring');
      assert.equal(await count({ q: '%' }), 1, 'a % in the query is literal');
      assert.equal(await count({ q: '_' }), 1, 'an _ in the query is literal');
      assert.equal(await count({ tags: ['vip'] }), 2);
      assert.equal(await count({ tags: ['vip', 'new'] }), 3, 'any of the tags');
      assert.equal(await count({ status: ['customer'] }), 1);
      assert.equal(await count({ fields: { city: 'Berlin' } }), 1);
      assert.equal(await count({ fields: { n: '4' } }), 1, 'numbers compare as text');
      assert.equal(await count({ fields: { ok: 'true' } }), 1, 'booleans compare as text');
      assert.equal(await count({ fields: { city: 'Berlin' }, tags: ['new'] }), 0);
      assert.equal(await count({ ids: [] }), 0);
    });

    test(`${backend}: list pages newest first with a cursor and stream walks oldest first`, async () => {
      const ws = await workspace();
      const made: string[] = [];
      for (let i = 0; i < 7; i++)
        made.push((await store.contacts.create(contact(ws.id, `+49151000001${i}0`))).id);
      const seen: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.contacts.list(ws.id, {}, { limit: 3, ...(before ? { before } : {}) });
        seen.push(...page.items.map((c) => c.id));
        if (page.next === null) break;
        before = page.next;
      }
      assert.deepEqual(seen, [...made].reverse());
      const streamed: string[] = [];
      for await (const c of store.contacts.stream(ws.id, {}, 2)) streamed.push(c.id);
      assert.deepEqual(streamed, made);
    });

    test(`${backend}: deleteMatching removes only what the filter selects in the workspace`, async () => {
      const a = await workspace();
      const b = await workspace();
      await store.contacts.create(contact(a.id, '+4915100000101', { tags: ['x'] }));
      await store.contacts.create(contact(a.id, '+4915100000102'));
      await store.contacts.create(contact(b.id, '+4915100000103', { tags: ['x'] }));
      assert.equal(await store.contacts.deleteMatching(a.id, { tags: ['x'] }), 1);
      assert.equal(await store.contacts.count(a.id, {}), 1);
      assert.equal(await store.contacts.count(b.id, {}), 1);
    });

    test(`${backend}: a filter of 100,000 ids counts, lists and deletes past the bound-parameter limits`, async () => {
      const ws = await workspace();
      const kept = await store.contacts.create(contact(ws.id, '+4915100000104'));
      const listed = await store.contacts.create(contact(ws.id, '+4915100000105'));
      // More than SQLite's 32,766 variables and PostgreSQL's 65,535 parameters.
      const ids = [listed.id, ...Array.from({ length: 99_999 }, (_, i) => `ct_${i.toString(36)}`)];
      assert.equal(await store.contacts.count(ws.id, { ids }), 1);
      assert.deepEqual(
        (await store.contacts.list(ws.id, { ids }, { limit: 10 })).items.map((c) => c.id),
        [listed.id],
      );
      assert.equal(await store.contacts.deleteMatching(ws.id, { ids }), 1);
      assert.deepEqual(
        (await store.contacts.list(ws.id, {}, { limit: 10 })).items.map((c) => c.id),
        [kept.id],
      );
      assert.equal(await store.contacts.count(ws.id, { ids: [] }), 0, 'no ids selects nobody');
    });

    test(`${backend}: the import writer inserts, updates or skips, counting each row a contact stands for`, async () => {
      const ws = await workspace();
      await store.contacts.create(
        contact(ws.id, '+4915100000201', { name: 'Old', tags: ['keep'], fields: { a: '1' } }),
      );
      const chunk = (contacts: ImportedContact[], rows: number): ImportChunk => ({
        contacts: new TextEncoder().encode(JSON.stringify(contacts)),
        count: contacts.length,
        rows,
      });
      // The second phone stands for two rows of the file, already folded into one.
      const rows = chunk(
        [
          ['+4915100000201', 'New', null, ['imp'], { b: '2' }],
          ['+4915100000202', 'Two', 'lead', ['imp', 'again'], { c: '3' }],
        ],
        3,
      );
      const at = now;
      const outcome = await store.transaction((tx) => tx.contactImport.write(ws.id, rows, 'update', at, id));
      assert.deepEqual(outcome, { imported: 1, updated: 2, skipped: 0 });
      const first = await store.contacts.getByPhone(ws.id, '+4915100000201');
      assert.equal(first?.name, 'New');
      assert.deepEqual(first?.fields, { a: '1', b: '2' });
      assert.deepEqual(first?.tags, ['keep', 'imp']);
      assert.equal(first?.updatedAt, at);
      const second = await store.contacts.getByPhone(ws.id, '+4915100000202');
      assert.equal(second?.name, 'Two');
      assert.equal(second?.status, 'lead');
      assert.deepEqual(second?.tags, ['imp', 'again']);
      assert.deepEqual(second?.fields, { c: '3' });
      assert.match(second?.id ?? '', /^ct_[0-9a-z]{26}$/);
      assert.ok((second?.id ?? '') > (first?.id ?? ''), 'a new id sorts after older ones');
      assert.equal(await store.contacts.count(ws.id, { tags: ['again'] }), 1);
      assert.equal(await store.contacts.count(ws.id, { tags: ['imp'] }), 2);

      const skipped = await store.transaction((tx) =>
        tx.contactImport.write(
          ws.id,
          chunk(
            [
              ['+4915100000201', 'Nope', null, ['nope'], {}],
              ['+4915100000203', 'Three', null, ['t'], {}],
            ],
            2,
          ),
          'skip',
          now,
          id,
        ),
      );
      assert.deepEqual(skipped, { imported: 1, updated: 0, skipped: 1 });
      assert.equal((await store.contacts.getByPhone(ws.id, '+4915100000201'))?.name, 'New');
      assert.equal(await store.contacts.count(ws.id, { tags: ['nope'] }), 0);
      assert.equal(await store.contacts.count(ws.id, { tags: ['t'] }), 1);
    });

    test(`${backend}: a failed transaction leaves nothing behind`, async () => {
      const ws = await workspace();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.contacts.create(contact(ws.id, '+4915100000301'));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.contacts.count(ws.id, {}), 0);
    });

    test(`${backend}: suppressions are unique per phone and listed newest first`, async () => {
      const ws = await workspace();
      const s = {
        id: id('sup'),
        workspaceId: ws.id,
        phone: '+4915100000401',
        reason: 'opt_out' as const,
        note: null,
        createdAt: now,
      };
      await store.suppressions.add(s);
      await assert.rejects(
        store.suppressions.add({ ...s, id: id('sup') }),
        (e: unknown) => e instanceof KurirError && e.code === 'suppression.duplicate',
      );
      const again = await store.suppressions.ensure({ ...s, id: id('sup'), reason: 'bounce' });
      assert.equal(again.id, s.id, 'ensure keeps the first entry');
      await store.suppressions.add({ ...s, id: id('sup'), phone: '+4915100000402', reason: 'manual' });
      assert.deepEqual(
        [...(await store.suppressions.suppressedAmong(ws.id, ['+4915100000401', '+4915100000499']))],
        ['+4915100000401'],
      );
      const page = await store.suppressions.list(ws.id, {}, { limit: 10 });
      assert.deepEqual(
        page.items.map((x) => x.phone),
        ['+4915100000402', '+4915100000401'],
      );
      assert.equal(
        (await store.suppressions.list(ws.id, { reason: 'manual' }, { limit: 10 })).items.length,
        1,
      );
      assert.equal(await store.suppressions.remove(ws.id, s.id), true);
      assert.equal(await store.suppressions.remove(ws.id, s.id), false);
    });

    test(`${backend}: templates keep variants and attachments and names are unique`, async () => {
      const ws = await workspace();
      const t = {
        id: id('tpl'),
        workspaceId: ws.id,
        name: 'Welcome',
        variants: ['Hi {{name}}', 'Hello {{name|there}}'],
        attachments: [{ type: 'image' as const, url: 'https://example.com/a.png', caption: 'For {{name}}' }],
        createdAt: now,
        updatedAt: now,
      };
      await store.templates.create(t);
      assert.deepEqual(await store.templates.get(ws.id, t.id), t);
      await assert.rejects(
        store.templates.create({ ...t, id: id('tpl') }),
        (e: unknown) => e instanceof KurirError && e.code === 'template.duplicate_name',
      );
      const replaced = await store.templates.replace({ ...t, variants: ['Yo'], updatedAt: now + 1 });
      assert.deepEqual(replaced?.variants, ['Yo']);
      assert.equal((await store.templates.list(ws.id, { limit: 5 })).items.length, 1);
      assert.equal(await store.templates.delete(ws.id, t.id), true);
      assert.equal(await store.templates.get(ws.id, t.id), null);
    });

    test(`${backend}: an import job accumulates batch counts and rejections and finishes`, async () => {
      const ws = await workspace();
      const file = await store.files.create({
        id: id('file'),
        workspaceId: ws.id,
        name: 'c.csv',
        contentType: 'text/csv',
        size: 100,
        sha256: 'x',
        createdAt: now,
      });
      const job: Job = {
        id: id('job'),
        workspaceId: ws.id,
        kind: 'contact_import',
        status: 'queued',
        fileId: file.id,
        options: {
          mapping: { phone: 'phone', fields: {} },
          onDuplicate: 'update',
          tags: [],
          tagSeparator: ';',
          delimiter: ',',
        },
        totalBytes: 100,
        doneBytes: 0,
        totalRows: 5,
        counts: { processedRows: 0, imported: 0, updated: 0, skipped: 0, rejected: 0 },
        error: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
      };
      await store.jobs.create(job);
      assert.deepEqual(
        (await store.jobs.unfinished()).map((j) => j.id),
        [job.id],
      );
      await store.jobs.start(job.id, now);
      await store.jobs.recordBatch(job.id, 50, {
        processedRows: 3,
        imported: 2,
        updated: 0,
        skipped: 0,
        rejected: 1,
      });
      await store.jobs.recordBatch(job.id, 100, {
        processedRows: 2,
        imported: 1,
        updated: 1,
        skipped: 0,
        rejected: 0,
      });
      await store.jobs.addRejections(job.id, [{ line: 3, reason: 'phone: is empty' }]);
      await store.jobs.addRejections(job.id, [{ line: 3, reason: 'phone: is empty' }]);
      await store.jobs.finish(job.id, 'completed', null, now + 10);
      const done = await store.jobs.get(ws.id, job.id);
      assert.equal(done?.status, 'completed');
      assert.equal(done?.startedAt, now);
      assert.equal(done?.doneBytes, 100);
      assert.equal(done?.totalRows, 5);
      assert.deepEqual(done?.counts, { processedRows: 5, imported: 3, updated: 1, skipped: 0, rejected: 1 });
      assert.deepEqual(await store.jobs.rejections(job.id, { limit: 10 }), [
        { line: 3, reason: 'phone: is empty' },
      ]);
      assert.deepEqual(await store.jobs.unfinished(), []);

      // An audience upload notes every contact its file lists, new, updated or skipped, and
      // the contact filter then selects exactly those.
      await store.contacts.create(contact(ws.id, '+4915100000301', { tags: ['x'] }));
      await store.contacts.create(contact(ws.id, '+4915100000399', { tags: ['x'] }));
      const listed: ImportedContact[] = [
        ['+4915100000301', 'Stored', null, [], {}],
        ['+4915100000302', 'New', null, [], {}],
      ];
      const chunk = { contacts: new TextEncoder().encode(JSON.stringify(listed)), count: 2, rows: 2 };
      for (const onDuplicate of ['skip', 'update'] as const) {
        await store.transaction((tx) => tx.contactImport.write(ws.id, chunk, onDuplicate, now, id, job.id));
      }
      const members = await store.contacts.list(ws.id, { importId: job.id }, { limit: 10 });
      assert.deepEqual(members.items.map((c) => c.phone).sort(), ['+4915100000301', '+4915100000302']);
      assert.equal(await store.contacts.count(ws.id, { importId: job.id, tags: ['x'] }), 1);
    });

    test(`${backend}: ping answers`, async () => {
      await store.ping();
    });
  });
}
