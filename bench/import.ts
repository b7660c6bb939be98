/**
 * Contact import benchmark: generates an N-row CSV (default 1,000,000), imports it into a
 * fresh SQLite store through ContactImporter.submit, exactly as an upload would be, and
 * compares throughput and peak memory with the targets.
 *
 *   npm run bench:import                         # 1,000,000 rows
 *   npm run bench:import -- 200000               # fewer
 *   npm run bench:import -- 200000 --segment-rows=50000 --chunk-rows=5000 --workers=1
 *
 * The clock is performance.now(): a benchmark measures elapsed time, it does not schedule.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { newId } from '../src/domain/id.ts';
import { ContactImporter, defaultParseWorkers } from '../src/engine/contact-import/contact-importer.ts';
import { FileStorage } from '../src/store/file-storage.ts';
import { openStore } from '../src/store/open-store.ts';
import { SystemClock } from '../src/system/system-clock.ts';
import { SystemRandom } from '../src/system/system-random.ts';

const TARGET_ROWS_PER_SECOND = 75_000;
const TARGET_PEAK_RSS_MB = 300;

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}`));
const rows = Number(args.find((a) => !a.startsWith('--')) ?? 1_000_000);
const num = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)?.split('=')[1]));
const segmentRows = num('segment-rows');
const chunkRows = num('chunk-rows');
const parseWorkers = num('workers');
if (!Number.isInteger(rows) || rows < 1) {
  console.error('usage: node bench/import.ts [rows] [--segment-rows=N] [--chunk-rows=N] [--workers=N]');
  process.exit(2);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurir-bench-'));
  try {
    const csv = path.join(dir, 'contacts.csv');
    process.stdout.write(`generating ${rows.toLocaleString('en')} rows… `);
    execFileSync(
      process.execPath,
      [new URL('./contacts-csv.ts', import.meta.url).pathname, csv, String(rows)],
      {
        stdio: 'inherit',
      },
    );
    const size = fs.statSync(csv).size;
    console.log(`${mb(size)} MB`);

    const dbFile = path.join(dir, 'kurir.db');
    const store = await openStore({ kind: 'sqlite', file: dbFile });
    const clock = new SystemClock();
    const random = new SystemRandom();
    const ids = (prefix: string) => newId(prefix, clock.now(), random);
    const workspace = await store.workspaces.create({
      id: ids('ws'),
      name: 'bench',
      defaultCountry: 'DE',
      createdAt: clock.now(),
    });
    const importer = new ContactImporter({
      store,
      files: new FileStorage(path.join(dir, 'files')),
      clock,
      newId: ids,
      log: pino({ level: 'warn' }),
      uploadLimitBytes: 2 * 1024 * 1024 * 1024,
      ...(segmentRows === undefined ? {} : { segmentRows }),
      ...(chunkRows === undefined ? {} : { chunkRows }),
      ...(parseWorkers === undefined ? {} : { parseWorkers }),
    });

    console.log(
      `reader threads: ${parseWorkers ?? defaultParseWorkers()} (${os.availableParallelism()} cores); ` +
        `RSS before the import: ${mb(process.memoryUsage.rss())} MB`,
    );
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    // How long the main thread's event loop (the API's, in the server) waits at worst.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const submitted = await importer.submit(
      workspace,
      { stream: fs.createReadStream(csv), fileName: 'contacts.csv', contentType: 'text/csv' },
      {},
    );
    const uploaded = performance.now();
    await importer.whenIdle();
    const finished = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    loopDelay.disable();
    peakRss = Math.max(peakRss, process.memoryUsage.rss());

    const job = await store.jobs.get(workspace.id, submitted.id);
    const stored = await store.contacts.count(workspace.id, {});
    await importer[Symbol.asyncDispose]();
    await store.close();
    if (job === null) throw new Error('the job vanished');

    const seconds = (finished - started) / 1000;
    const rate = job.counts.processedRows / seconds;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const peakMb = peakRss / 1024 / 1024;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log(`job ${job.status}${job.error === null ? '' : ` (${job.error})`}`);
    console.log(
      `rows: total ${job.totalRows}, processed ${job.counts.processedRows}, imported ${job.counts.imported}, ` +
        `updated ${job.counts.updated}, skipped ${job.counts.skipped}, rejected ${job.counts.rejected}; ` +
        `contacts stored ${stored}`,
    );
    console.log(
      `upload + check: ${((uploaded - started) / 1000).toFixed(2)} s ` +
        `(${(size / 1024 / 1024 / ((uploaded - started) / 1000)).toFixed(0)} MB/s)`,
    );
    console.log(`total: ${seconds.toFixed(2)} s, ${Math.round(rate).toLocaleString('en')} rows/s`);
    // Every thread's CPU time: steadier than wall time on a shared machine, and what bounds
    // the throughput once both cores are busy.
    console.log(
      `CPU (all threads): user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s, ` +
        `${((cpu.user + cpu.system) / job.counts.processedRows).toFixed(1)} µs per row`,
    );
    console.log(
      `event loop delay during the import: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms, ` +
        `p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`,
    );
    console.log(`database file: ${mb(fs.statSync(dbFile).size)} MB`);
    console.log(`peak RSS: sampled ${peakMb.toFixed(0)} MB, process maxRSS ${maxRssMb.toFixed(0)} MB`);
    console.log(
      `${verdict(rate >= TARGET_ROWS_PER_SECOND)} throughput ≥ ${TARGET_ROWS_PER_SECOND.toLocaleString('en')} rows/s`,
    );
    console.log(
      `${verdict(Math.max(peakMb, maxRssMb) < TARGET_PEAK_RSS_MB)} peak RSS < ${TARGET_PEAK_RSS_MB} MB`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
