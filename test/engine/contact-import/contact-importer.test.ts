import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { KurirError } from '../../../src/domain/errors.ts';
import type { Job } from '../../../src/domain/job.ts';
import { defaultParseWorkers } from '../../../src/engine/contact-import/contact-importer.ts';
import { backends } from '../../support/stores.ts';
import { ImporterFixture } from './importer-fixture.ts';

const ANNA = '+4915123456789';
const BEN = '+4915223456789';
const EVE = '+4915723456789';

async function refusal(run: () => Promise<unknown>, code: string): Promise<KurirError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof KurirError, `expected a KurirError, got ${error}`);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}`);
}

/** Counts as the API shows them. */
function counts(job: Job) {
  return { status: job.status, totalRows: job.totalRows, ...job.counts };
}

for (const backend of backends) {
  describe(`${backend}: contact import`, () => {
    test(`${backend}: imports mapped rows and lists rejected ones with the line each starts on`, async () => {
      await using f = await ImporterFixture.open({ backend, segmentRows: 2, chunkRows: 1 });
      const csv = [
        '\uFEFFName;Phone;City;Tags;Status\r\n',
        'Anna;0151 23456789;Berlin;VIP, news;Customer\r\n', // line 2
        '"Ben\r\nBenson";+49 152 23456789;Köln;;\r\n', // lines 3-4
        'Bob;123;X;;\r\n', // 5
        '\r\n', // 6: blank, skipped
        'Carl;;Y;;\r\n', // 7
        'Dora;+4915323456789;Z;a;;extra\r\n', // 8
        '"Eve ""E""";0049 157 23456789;"Ham\nburg";b|c;\r\n', // 9-10
        ';;;;\r\n', // 11: no values, skipped
      ].join('');
      const job = await f.run(csv);
      assert.deepEqual(counts(job), {
        status: 'completed',
        totalRows: 6,
        processedRows: 6,
        imported: 3,
        updated: 0,
        skipped: 0,
        rejected: 3,
      });
      assert.equal(job.doneBytes, job.totalBytes);
      assert.equal(job.options.delimiter, ';');
      assert.deepEqual(await f.rejections(job.id), [
        { line: 5, reason: 'phone: is not a valid number for DE' },
        { line: 7, reason: 'phone: is empty' },
        {
          line: 8,
          reason:
            'has 1 more value than the header has columns; is a value with the delimiter in it not quoted?',
        },
      ]);
      const anna = await f.contact(ANNA);
      assert.equal(anna?.name, 'Anna');
      assert.deepEqual(anna?.tags, ['vip', 'news']);
      assert.equal(anna?.status, 'customer');
      assert.deepEqual(anna?.fields, { city: 'Berlin' });
      assert.equal((await f.contact(BEN))?.name, 'Ben\r\nBenson');
      const eve = await f.contact(EVE);
      assert.equal(eve?.name, 'Eve "E"');
      assert.deepEqual(eve?.tags, ['b', 'c']);
      assert.deepEqual(eve?.fields, { city: 'Ham\nburg' });
      assert.deepEqual(await f.store.contacts.fieldKeys(f.workspace.id), ['city']);
    });

    test(`${backend}: a repeated or stored phone updates the contact, and empty cells erase nothing`, async () => {
      await using f = await ImporterFixture.open({ backend, segmentRows: 2, chunkRows: 1 });
      await f.run('phone,name,city,plan,tags\n+4915123456789,Anna,Berlin,free,old\n');
      const csv = [
        'phone,name,city,plan,tags',
        '0151 23456789,,,pro,new', // the stored contact
        '+4915223456789,Ben,Bonn,,', // new
        '015223456789,Benjamin,,,x', // repeats the row above, in the next batch
        '+49 152 23456789,,Berg,,', // and again, in the same batch
      ].join('\n');
      const job = await f.run(csv);
      assert.deepEqual(counts(job), {
        status: 'completed',
        totalRows: 4,
        processedRows: 4,
        imported: 1,
        updated: 3,
        skipped: 0,
        rejected: 0,
      });
      const anna = await f.contact(ANNA);
      assert.equal(anna?.name, 'Anna');
      assert.deepEqual(anna?.fields, { city: 'Berlin', plan: 'pro' });
      assert.deepEqual(anna?.tags, ['old', 'new']);
      const ben = await f.contact(BEN);
      assert.equal(ben?.name, 'Benjamin');
      assert.deepEqual(ben?.fields, { city: 'Berg' });
      assert.deepEqual(ben?.tags, ['x']);
      assert.equal(await f.store.contacts.count(f.workspace.id, {}), 2);
    });

    test(`${backend}: skip mode leaves stored and repeated contacts as they were`, async () => {
      await using f = await ImporterFixture.open({ backend, segmentRows: 2, chunkRows: 1 });
      await f.run('phone,name\n+4915123456789,Anna\n');
      const job = await f.run(
        'phone,name\n+4915123456789,Not Anna\n+4915223456789,Ben\n+4915223456789,Not Ben\n',
        {
          onDuplicate: 'skip',
        },
      );
      assert.deepEqual(counts(job), {
        status: 'completed',
        totalRows: 3,
        processedRows: 3,
        imported: 1,
        updated: 0,
        skipped: 2,
        rejected: 0,
      });
      assert.equal((await f.contact(ANNA))?.name, 'Anna');
      assert.equal((await f.contact(BEN))?.name, 'Ben');
    });
  });
}

describe('sqlite: contact import', () => {
  test('comma, semicolon and tab files, with and without BOM, import the same contacts', async () => {
    for (const delimiter of [',', ';', '\t']) {
      for (const bom of ['', '\uFEFF']) {
        await using f = await ImporterFixture.open();
        const rows = [
          ['Phone', 'Name', 'Note'],
          [ANNA, 'Anna', 'a, b; c'],
          [BEN, 'Ben', ''],
        ];
        const csv =
          bom + rows.map((r) => r.map((c) => (/[,;\t]/.test(c) ? `"${c}"` : c)).join(delimiter)).join('\r\n');
        const job = await f.run(csv);
        assert.equal(job.options.delimiter, delimiter);
        assert.deepEqual(
          [job.counts.imported, job.counts.rejected],
          [2, 0],
          JSON.stringify({ delimiter, bom }),
        );
        assert.deepEqual((await f.contact(ANNA))?.fields, { note: 'a, b; c' });
        assert.deepEqual((await f.contact(BEN))?.fields, {});
      }
    }
  });

  test('adds the request tags to every row and splits tags on the separator given', async () => {
    await using f = await ImporterFixture.open();
    await f.run('phone,tags\n+4915123456789,a/b\n+4915223456789,\n', {
      tags: ['Fair 2026', 'fair 2026 '],
      tagSeparator: '/',
    });
    assert.deepEqual((await f.contact(ANNA))?.tags, ['a', 'b', 'fair 2026']);
    assert.deepEqual((await f.contact(BEN))?.tags, ['fair 2026']);
  });

  test('an explicit mapping imports only the columns it names', async () => {
    await using f = await ImporterFixture.open();
    const job = await f.run('Tel,Who,Town,Secret\n+4915123456789,Anna,Berlin,x\n', {
      mapping: { phone: 'tel', name: 'Who', fields: { town: 'Town' } },
    });
    assert.deepEqual(job.options.mapping, { phone: 'tel', name: 'Who', fields: { town: 'Town' } });
    assert.deepEqual((await f.contact(ANNA))?.fields, { town: 'Berlin' });
  });

  test('a header-only file completes with nothing to do', async () => {
    await using f = await ImporterFixture.open();
    const job = await f.run('phone,name\r\n');
    assert.deepEqual(counts(job), {
      status: 'completed',
      totalRows: 0,
      processedRows: 0,
      imported: 0,
      updated: 0,
      skipped: 0,
      rejected: 0,
    });
  });

  test('numbers without a country code are rejected when the workspace has no default country', async () => {
    await using f = await ImporterFixture.open({ defaultCountry: null });
    const job = await f.run('phone\n0151 23456789\n+4915223456789\n');
    assert.deepEqual(await f.rejections(job.id), [
      { line: 2, reason: 'phone: has no country code and the workspace has no default country' },
    ]);
    assert.equal(job.counts.imported, 1);
  });

  test('long names are cut at 200 characters; cells our export neutralised come back as they were', async () => {
    await using f = await ImporterFixture.open();
    await f.run(
      `phone,name,score,tags\n+4915123456789,${'é'.repeat(250)},'-5,'=vip\n+4915223456789,'=1+2,'x,\n`,
    );
    const anna = await f.contact(ANNA);
    assert.equal(anna?.name, 'é'.repeat(200));
    assert.deepEqual(anna?.fields, { score: '-5' });
    assert.deepEqual(anna?.tags, ['=vip']);
    const ben = await f.contact(BEN);
    assert.equal(ben?.name, '=1+2');
    assert.deepEqual(ben?.fields, { score: "'x" }, 'an apostrophe before a plain value stays');
  });

  test('a CSV that cannot be read is refused with its line, and nothing is stored', async () => {
    await using f = await ImporterFixture.open();
    const cases: [string | Buffer, number, RegExp][] = [
      ['phone,name\n+4915123456789,"Anna\n+4915223456789,Ben\n', 2, /never closed/],
      ['phone,name\n+4915123456789,"Anna"s\n', 2, /closing quote/],
      [
        Buffer.from('phone,name\n+4915123456789,J\xfcrgen\n', 'latin1'),
        2,
        /not UTF-8 \(save it as CSV UTF-8\)/,
      ],
      ['', 1, /empty/],
      [`phone${',x'.repeat(600_000)}`, 1, /longer than 1 MiB/],
    ];
    for (const [csv, line, detail] of cases) {
      const error = await refusal(() => f.submit(csv, {}, 1000), 'import.invalid_csv');
      assert.equal(error.status, 422);
      assert.equal(error.errors?.[0]?.line, line);
      assert.match(error.errors?.[0]?.detail ?? '', detail);
    }
    assert.deepEqual(f.storedFiles(), []);
    assert.deepEqual(await f.store.jobs.unfinished(), []);
  });

  test('a mapping that does not fit is refused with pointers, and nothing is stored', async () => {
    await using f = await ImporterFixture.open();
    const error = await refusal(
      () => f.submit('Name,City\nAnna,Berlin\n', { mapping: { phone: 'Mobile', fields: { city: 'Town' } } }),
      'import.invalid_mapping',
    );
    assert.deepEqual(error.errors, [
      { pointer: '/mapping/phone', detail: 'column "Mobile" is not in the header' },
      { pointer: '/mapping/fields/city', detail: 'column "Town" is not in the header' },
    ]);
    await refusal(() => f.submit('Name,City\nAnna,Berlin\n'), 'import.invalid_mapping');
    assert.deepEqual(f.storedFiles(), []);
    assert.deepEqual(await f.store.jobs.unfinished(), []);
  });

  test('bad options are refused before the upload is read', async () => {
    await using f = await ImporterFixture.open();
    const error = await refusal(() => f.submit('phone\n1\n', { tagSeparator: 'ab' }), 'request.invalid');
    assert.deepEqual(error.errors, [
      { pointer: '/tagSeparator', detail: 'must be one character that is not a letter, digit, space or "' },
    ]);
  });

  test('a file over the upload limit is file.too_large, and nothing is stored', async () => {
    await using f = await ImporterFixture.open({ uploadLimitBytes: 1000 });
    const csv = `phone,name\n${`+4915123456789,Anna\n`.repeat(100)}`;
    const error = await refusal(() => f.submit(csv, {}, 100), 'file.too_large');
    assert.equal(error.status, 413);
    assert.deepEqual(f.storedFiles(), []);
  });

  test('the job and its file are stored before submit answers, and progress is told per chunk', async () => {
    await using f = await ImporterFixture.open({ segmentRows: 1, chunkRows: 1 });
    const seen: number[] = [];
    f.importer.onProgress((job) => seen.push(job.counts.processedRows));
    const job = await f.submit('phone\n+4915123456789\n+4915223456789\nnope\n');
    assert.equal(job.status, 'queued');
    assert.equal(job.totalRows, 3);
    assert.notEqual(await f.store.files.get(f.workspace.id, job.fileId ?? ''), null);
    await f.importer.whenIdle();
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal((await f.job(job.id)).status, 'completed');
  });

  test('an upload stream that fails stores nothing', async () => {
    await using f = await ImporterFixture.open();
    const stream = new Readable({
      read() {
        this.push('phone\n+4915123456789\n');
        this.destroy(new Error('client went away'));
      },
    });
    await assert.rejects(
      f.importer.submit(f.workspace, { stream, fileName: 'x.csv', contentType: 'text/csv' }, {}),
      /client went away/,
    );
    assert.deepEqual(f.storedFiles(), []);
  });

  test('a job whose file is gone fails with a reason a user can read', async () => {
    await using f = await ImporterFixture.open();
    const first = await f.run('phone\n+4915123456789\n');
    // A job a crash left queued, whose file has since been removed from disk.
    const orphan: Job = {
      ...first,
      id: f.newId('imp'),
      status: 'queued',
      doneBytes: 0,
      counts: { processedRows: 0, imported: 0, updated: 0, skipped: 0, rejected: 0 },
      startedAt: null,
      finishedAt: null,
    };
    await f.store.jobs.create(orphan);
    await f.files.remove(f.workspace.id, first.fileId ?? '');
    assert.equal(await f.importer.resumeUnfinished(), 1);
    await f.importer.whenIdle();
    const failed = await f.job(orphan.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'the uploaded file was deleted before the import ended');
  });

  test('submit after shutdown is refused as unavailable', async () => {
    await using f = await ImporterFixture.open();
    await f.importer[Symbol.asyncDispose]();
    await refusal(() => f.submit('phone\n+4915123456789\n'), 'server.unavailable');
    await f.importer.whenIdle();
  });
});

test('the writer keeps a core: readers get the others, at least one and at most two', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 16].map((cores) => defaultParseWorkers(cores)),
    [1, 1, 2, 2, 2],
  );
});
