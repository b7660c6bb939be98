import { type Kysely, sql } from 'kysely';
import { ApiKeyRepository } from './api-keys.ts';
import { AudienceExpansion } from './audience-expansion.ts';
import { CampaignRepository } from './campaigns.ts';
import { ContactImportWriter } from './contact-import-writer.ts';
import { ContactRepository } from './contacts.ts';
import type { Database, Db, Dialect } from './database.ts';
import { FileRepository } from './files.ts';
import { JobRepository } from './jobs.ts';
import { MessageQueue } from './message-queue.ts';
import { MessageRepository } from './messages.ts';
import { NumberCheckRepository } from './number-checks.ts';
import { SenderRepository } from './senders.ts';
import { SuppressionRepository } from './suppressions.ts';
import { TemplateRepository } from './templates.ts';
import { WorkspaceRepository } from './workspaces.ts';

/**
 * The data-access port: one repository per resource, all returning domain types. The same
 * class serves SQLite and PostgreSQL; `dialect` only changes the few statements SQL
 * spells differently. A `Store` opened with `transaction` runs every call in that
 * transaction.
 */
export class Store {
  readonly dialect: Dialect;
  readonly workspaces: WorkspaceRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly contacts: ContactRepository;
  readonly contactImport: ContactImportWriter;
  readonly suppressions: SuppressionRepository;
  readonly templates: TemplateRepository;
  readonly files: FileRepository;
  readonly jobs: JobRepository;
  readonly senders: SenderRepository;
  readonly campaigns: CampaignRepository;
  readonly messages: MessageRepository;
  readonly queue: MessageQueue;
  readonly audience: AudienceExpansion;
  readonly numberChecks: NumberCheckRepository;
  readonly #db: Db;
  readonly #close: () => Promise<void>;

  constructor(db: Db, dialect: Dialect, close: () => Promise<void>) {
    this.#db = db;
    this.#close = close;
    this.dialect = dialect;
    this.workspaces = new WorkspaceRepository(db);
    this.apiKeys = new ApiKeyRepository(db);
    this.contacts = new ContactRepository(db, dialect);
    this.contactImport = new ContactImportWriter(db, dialect);
    this.suppressions = new SuppressionRepository(db, dialect);
    this.templates = new TemplateRepository(db);
    this.files = new FileRepository(db);
    this.jobs = new JobRepository(db);
    this.senders = new SenderRepository(db);
    this.campaigns = new CampaignRepository(db, dialect);
    this.messages = new MessageRepository(db, dialect);
    this.queue = new MessageQueue(db, dialect);
    this.audience = new AudienceExpansion(db, dialect);
    this.numberChecks = new NumberCheckRepository(db, dialect);
  }

  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return (this.#db as Kysely<Database>)
      .transaction()
      .execute((trx) => fn(new Store(trx, this.dialect, async () => {})));
  }

  /** Resolves when the database answers; used by `/ready`. */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
