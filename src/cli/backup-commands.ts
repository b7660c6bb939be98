import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import type { BackupManifest } from '../engine/backup/backup-manifest.ts';
import { restoreBackup } from '../engine/backup/restore-backup.ts';
import { writeBackup } from '../engine/backup/write-backup.ts';
import { SystemClock } from '../system/system-clock.ts';
import { CliError } from './cli-error.ts';

export const backupUsage = `kurir backup — a copy of an embedded Kurir's data, taken while it runs

Usage: kurir backup <file.tar> [--no-files]
       kurir restore <file.tar> [--force]

backup writes one file (mode 0600; a plain tar) holding a consistent snapshot of the
SQLite database, DATA_DIR/secret.key (the key that opens the stored sender sessions) and
the uploaded files (media, import CSVs; --no-files leaves them out). With KURIR_SECRET set
the key is not in DATA_DIR and not in the backup: keep it with the backup yourself.

restore unpacks a backup into DATA_DIR and checks it before it replaces anything. It
refuses a DATA_DIR that already holds Kurir data unless --force is given, and always one
whose database a running Kurir has open: stop the server first.

Both read DATA_DIR (and KURIR_SECRET) as the server does. With PostgreSQL (DATABASE_URL)
use pg_dump and pg_restore instead; both commands say how.
`;

const postgresAdvice = (verb: 'backup' | 'restore') =>
  `kurir ${verb} works on the embedded SQLite database, and this configuration uses PostgreSQL ` +
  `(DATABASE_URL). Use PostgreSQL's tools, and keep the secret with the dump:\n` +
  `  pg_dump --format=custom --file kurir.dump "$DATABASE_URL"\n` +
  `  pg_restore --clean --if-exists --no-owner --dbname "$DATABASE_URL" kurir.dump   (Kurir stopped)\n` +
  '  KURIR_SECRET: without the same secret the stored sender sessions cannot be opened\n' +
  '  DATA_DIR/files: uploaded media and import CSVs, copied as a folder';

function parse(argv: string[], options: { files?: boolean; force?: boolean }) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      ...(options.files ? { files: { type: 'boolean', default: true } } : {}),
      ...(options.force ? { force: { type: 'boolean', default: false } } : {}),
    },
  });
  return { positionals, values: values as { help?: boolean; files?: boolean; force?: boolean } };
}

function oneFile(positionals: string[], verb: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new CliError(`${verb} needs a file, e.g. kurir ${verb} kurir-backup.tar`);
  if (extra.length > 0) throw new CliError(`${verb} takes one file, got ${positionals.join(' ')}`);
  return path.resolve(file);
}

function kurirVersion(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function secretNote(manifest: BackupManifest): string {
  if (manifest.secret === 'secret.key') return 'the secret (secret.key)';
  if (manifest.secret === 'KURIR_SECRET')
    return 'no secret: the server uses KURIR_SECRET, which you must keep with the backup yourself';
  return 'no secret (the server had not made one yet)';
}

/** `kurir backup <file>`: resolves with the exit code. */
export async function backupCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parse(argv, { files: true });
  if (values.help) {
    process.stdout.write(backupUsage);
    return 0;
  }
  const output = oneFile(positionals, 'backup');
  const config = loadConfig();
  if (config.DATABASE_URL !== undefined) throw new CliError(postgresAdvice('backup'));
  const manifest = await writeBackup(output, {
    dataDir: config.DATA_DIR,
    secretFromEnv: config.KURIR_SECRET !== undefined,
    includeFiles: values.files !== false,
    kurirVersion: kurirVersion(),
    now: new SystemClock().now(),
  });
  const files =
    manifest.files === null ? 'no uploaded files (--no-files)' : `${manifest.files} uploaded files`;
  process.stdout.write(
    `Backup written to ${output} (mode 0600): the database (${manifest.database.bytes} bytes), ` +
      `${secretNote(manifest)}, ${files}.\n`,
  );
  return 0;
}

/** `kurir restore <file>`: resolves with the exit code. */
export async function restoreCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parse(argv, { force: true });
  if (values.help) {
    process.stdout.write(backupUsage);
    return 0;
  }
  const input = oneFile(positionals, 'restore');
  const config = loadConfig();
  if (config.DATABASE_URL !== undefined) throw new CliError(postgresAdvice('restore'));
  const manifest = await restoreBackup(input, { dataDir: config.DATA_DIR, force: values.force === true });
  const lines = [
    `Restored the backup of ${manifest.createdAt} (Kurir ${manifest.kurirVersion}) into ${config.DATA_DIR}:`,
    `  the database, ${secretNote(manifest)}, ${
      manifest.files === null
        ? 'no uploaded files (the backup left them out)'
        : `${manifest.files} uploaded files`
    }.`,
  ];
  if (manifest.secret === 'KURIR_SECRET')
    lines.push('  Start Kurir with the KURIR_SECRET it ran with, or it cannot open the sender sessions.');
  else if (manifest.secret === 'secret.key' && config.KURIR_SECRET !== undefined)
    lines.push(
      '  KURIR_SECRET is set and wins over the restored secret.key: unset it unless it is the same key.',
    );
  lines.push('  Start the server as usual; it picks up where the backup was taken.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
