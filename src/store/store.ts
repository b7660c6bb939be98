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
import { isTransactionConflict } from './sql-errors.ts';
import { SuppressionRepository } from './suppressions.ts';
import { TemplateRepository } from './templates.ts';
import { WorkspaceRepository } from './workspaces.ts';

/** How `Store.transaction` runs its function. */
export interface TransactionOptions {
  /**
   * Runs `fn` again from the start, in a new transaction, when PostgreSQL aborts it as a
   * deadlock victim or a serialization failure (`isTransactionConflict`), up to
   * `CONFLICT_ATTEMPTS` runs in all. Opt in only with a `fn` that is safe to run twice: its
   * every effect is a statement in the transaction (nothing sent, published or kept in
   * memory before the commit), and each write is guarded by the state it expects, as the
   * queue's writes are, since what the first run was given may be stale by the second.
   * Callers that opt in: crash recovery and the reconciliation deadline (`Engine`), receipts
   * (`MessageEventWriter`) and settlements (`Dispatcher`).
   */
  retryConflicts?: boolean;
}

/** Runs of a conflicting transaction before its error reaches the caller. */
export const CONFLICT_ATTEMPTS = 5;

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

  /**
   * Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws.
   * Inside a transaction already, `fn` joins it (and a conflict goes to the outer caller).
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    const attempts = options.retryConflicts === true ? CONFLICT_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await (this.#db as Kysely<Database>)
          .transaction()
          .execute((trx) => fn(new Store(trx, this.dialect, async () => {})));
      } catch (error) {
        // At once, without a pause: the rollback that raised this error released the locks
        // the other party waited for, and the re-run queues for them like any transaction.
        // Should it take one first and close the same cycle again, it is a victim again,
        // within the bound.
        if (attempt >= attempts || !isTransactionConflict(error)) throw error;
      }
    }
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
