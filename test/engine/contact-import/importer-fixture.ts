import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { newId } from '../../../src/domain/id.ts';
import type { Job } from '../../../src/domain/job.ts';
import type { Workspace } from '../../../src/domain/workspace.ts';
import { ContactImporter, type ImportRequest } from '../../../src/engine/contact-import/contact-importer.ts';
import { FileStorage } from '../../../src/store/file-storage.ts';
import type { Store } from '../../../src/store/store.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { SeededRandom } from '../../support/seeded-random.ts';
import { type Backend, openTestStore, tempDir } from '../../support/stores.ts';

export interface ImporterFixtureOptions {
  backend?: Backend;
  segmentRows?: number;
  chunkRows?: number;
  parseWorkers?: number;
  uploadLimitBytes?: number;
  defaultCountry?: string | null;
}

/**
 * A real store, real file storage in a temp directory and a real importer, for one test.
 * `await using` it: the importer, the store and the directory go when the test ends.
 */
export class ImporterFixture {
  readonly store: Store;
  readonly files: FileStorage;
  readonly filesDir: string;
  readonly clock = new ManualClock();
  /** Where `submit`, `run` and the look-ups work; `useNewWorkspace` moves them to a fresh one. */
  workspace: Workspace;
  readonly options: ImporterFixtureOptions;
  importer: ContactImporter;
  readonly #random = new SeededRandom(11);

  private constructor(store: Store, workspace: Workspace, filesDir: string, options: ImporterFixtureOptions) {
    this.store = store;
    this.workspace = workspace;
    this.filesDir = filesDir;
    this.files = new FileStorage(filesDir);
    this.options = options;
    this.importer = this.newImporter();
  }

  static async open(options: ImporterFixtureOptions = {}): Promise<ImporterFixture> {
    const store = await openTestStore(options.backend ?? 'sqlite');
    const random = new SeededRandom(3);
    const clock = new ManualClock();
    const workspace = await store.workspaces.create({
      id: newId('ws', clock.now(), random),
      name: 'Acme',
      defaultCountry: options.defaultCountry === undefined ? 'DE' : options.defaultCountry,
      createdAt: clock.now(),
    });
    return new ImporterFixture(store, workspace, tempDir('kurir-files'), options);
  }

  readonly newId = (prefix: string): string => newId(prefix, this.clock.now(), this.#random);

  /**
   * Switches to a new, empty workspace of the same store: a second scenario beside the
   * first without a second database (PostgreSQL test schemas are best opened one at a time).
   */
  async useNewWorkspace(): Promise<Workspace> {
    this.workspace = await this.store.workspaces.create({
      id: this.newId('ws'),
      name: 'Second',
      defaultCountry: this.workspace.defaultCountry,
      createdAt: this.clock.now(),
    });
    return this.workspace;
  }

  /** A second importer over the same store and files, as a restarted process would make. */
  newImporter(): ContactImporter {
    return new ContactImporter({
      store: this.store,
      files: this.files,
      clock: this.clock,
      newId: this.newId,
      log: pino({ level: 'silent' }),
      uploadLimitBytes: this.options.uploadLimitBytes ?? 10 * 1024 * 1024,
      ...(this.options.segmentRows === undefined ? {} : { segmentRows: this.options.segmentRows }),
      ...(this.options.chunkRows === undefined ? {} : { chunkRows: this.options.chunkRows }),
      ...(this.options.parseWorkers === undefined ? {} : { parseWorkers: this.options.parseWorkers }),
    });
  }

  /** Submits `csv` (sent in `chunkSize`-byte pieces) without waiting for the import. */
  submit(csv: string | Buffer, request: ImportRequest = {}, chunkSize = 64 * 1024): Promise<Job> {
    return this.importer.submit(
      this.workspace,
      { stream: Readable.from(chunks(csv, chunkSize)), fileName: 'contacts.csv', contentType: 'text/csv' },
      request,
    );
  }

  /** Submits `csv`, waits for the import to end and returns the finished job. */
  async run(csv: string | Buffer, request: ImportRequest = {}, chunkSize?: number): Promise<Job> {
    const job = await this.submit(csv, request, chunkSize);
    await this.importer.whenIdle();
    return this.job(job.id);
  }

  async job(id: string): Promise<Job> {
    const job = await this.store.jobs.get(this.workspace.id, id);
    if (job === null) throw new Error(`job ${id} is gone`);
    return job;
  }

  async rejections(jobId: string): Promise<{ line: number; reason: string }[]> {
    return this.store.jobs.rejections(jobId, { limit: 10_000 });
  }

  async contact(phone: string) {
    return this.store.contacts.getByPhone(this.workspace.id, phone);
  }

  /** Files in storage, temporary ones included: a refused upload must leave none. */
  storedFiles(): string[] {
    const dir = `${this.filesDir}/${this.workspace.id}`;
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.importer[Symbol.asyncDispose]();
    await this.store.close();
    fs.rmSync(this.filesDir, { recursive: true, force: true });
  }
}

function* chunks(csv: string | Buffer, size: number): Generator<Buffer> {
  const bytes = typeof csv === 'string' ? Buffer.from(csv) : csv;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
