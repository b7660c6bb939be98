import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Job } from '../../../src/domain/job.ts';
import { backends } from '../../support/stores.ts';
import { ImporterFixture } from './importer-fixture.ts';

/**
 * 13 data records over 17 lines: repeats of one phone in the same and in later batches
 * (batches are 4 records), a stored contact, rejections, a blank line and records that span
 * lines, so a resume that miscounted records, lines or batches would show in the totals.
 */
const CSV = [
  'phone,name,city,tags',
  '+4915100000001,One,Berlin,a',
  '+4915100000002,Two,,b',
  'bad,Nope,,',
  '+4915100000001,One again,Bonn,c', // repeat inside batch 1
  '"+4915100000003","Three',
  'lines",Köln,',
  '+4915100000099,Stored,Ulm,', // already a contact
  '',
  '+4915100000002,,Hamburg,', // repeat across batches
  ',No phone,,',
  '+4915100000004,Four,,d',
  '+4915100000005,"Five, ""V""",,',
  '+4915100000003,Three again,,e', // repeat across batches
  '12,Short,,',
  '+4915100000006,"Six',
  'six",,f',
].join('\n');

const STORED = 'phone,name,city\n+4915100000099,Stored,Essen\n';

async function contactsOf(f: ImporterFixture) {
  const out: Record<string, unknown> = {};
  for await (const c of f.store.contacts.stream(f.workspace.id, {})) {
    out[c.phone] = { name: c.name, tags: c.tags, fields: c.fields, status: c.status };
  }
  return out;
}

/** What a user sees of a finished import, in a form two runs can be compared by. */
async function outcome(f: ImporterFixture, job: Job) {
  const done = await f.job(job.id);
  return {
    status: done.status,
    counts: done.counts,
    totalRows: done.totalRows,
    doneBytes: done.doneBytes === done.totalBytes,
    rejections: await f.rejections(job.id),
    contacts: await contactsOf(f),
  };
}

for (const backend of backends) {
  describe(`${backend}: resuming an import`, () => {
    // Segments of 4 records written whole, and segments of 8 written 2 items at a time,
    // so the crash falls between segments in one case and inside a segment in the other.
    for (const shape of [
      { segmentRows: 4, chunkRows: 4 },
      { segmentRows: 8, chunkRows: 2 },
    ]) {
      test(`${backend}: a job stopped after a chunk resumes there and ends as one uninterrupted run would (segments of ${shape.segmentRows}, chunks of ${shape.chunkRows})`, async () => {
        await using f = await ImporterFixture.open({ backend, ...shape });
        await f.run(STORED);
        const expected = await outcome(f, await f.run(CSV));
        assert.deepEqual(expected.counts, {
          processedRows: 13,
          imported: 6,
          updated: 4,
          skipped: 0,
          rejected: 3,
        });

        await f.useNewWorkspace();
        await f.run(STORED);
        // The process "dies" once the first batch is committed: no more batches are
        // written, though the worker has read ahead and posted more.
        let stopping: Promise<void> | undefined;
        const crashed = f.importer;
        crashed.onProgress(() => {
          stopping ??= crashed[Symbol.asyncDispose]();
        });
        const job = await f.submit(CSV);
        await crashed.whenIdle();
        await stopping;
        const left = await f.job(job.id);
        assert.equal(left.status, 'running');
        assert.ok(
          left.counts.processedRows > 0 && left.counts.processedRows < 13,
          `stopped part-way, after ${left.counts.processedRows} rows`,
        );

        f.importer = f.newImporter();
        assert.equal(await f.importer.resumeUnfinished(), 1);
        await f.importer.whenIdle();
        assert.deepEqual(await outcome(f, job), expected);
        assert.equal((await f.job(job.id)).startedAt, left.startedAt, 'the first start is kept');
      });
    }

    test(`${backend}: a job the process never started runs whole on resume`, async () => {
      await using f = await ImporterFixture.open({ backend, segmentRows: 4, chunkRows: 4 });
      await f.run(STORED);
      const job = await f.submit(CSV);
      await f.importer[Symbol.asyncDispose]();
      assert.equal((await f.job(job.id)).counts.processedRows, 0);

      f.importer = f.newImporter();
      await f.importer.resumeUnfinished();
      await f.importer.whenIdle();
      const done = await outcome(f, job);
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.counts, { processedRows: 13, imported: 6, updated: 4, skipped: 0, rejected: 3 });
    });

    test(`${backend}: two processes resuming one job never count a row twice`, async () => {
      await using f = await ImporterFixture.open({ backend, segmentRows: 4, chunkRows: 4 });
      await f.run(STORED);
      const expected = await outcome(f, await f.run(CSV));

      await f.useNewWorkspace();
      await f.run(STORED);
      const job = await f.submit(CSV);
      await f.importer[Symbol.asyncDispose]();
      f.importer = f.newImporter();
      await using other = f.newImporter();
      await Promise.all([f.importer.resumeUnfinished(), other.resumeUnfinished()]);
      await Promise.all([f.importer.whenIdle(), other.whenIdle()]);
      // The run that lost the race for the first batch stopped; the other finished.
      assert.deepEqual(await outcome(f, job), expected);
    });
  });
}
