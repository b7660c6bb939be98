import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { restoreBackup } from '../../../src/engine/backup/restore-backup.ts';
import { writeBackup } from '../../../src/engine/backup/write-backup.ts';
import { FileStorage, fileStorageDir } from '../../../src/store/file-storage.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { embeddedSecret } from '../../../src/system/secret-file.ts';
import { TarWriter } from '../../../src/system/tar-writer.ts';
import { tempDir } from '../../support/stores.ts';

const AT = Date.UTC(2026, 4, 1, 3, 0, 0);

/** A data directory as a running server keeps it: open store, secret.key, one upload. */
async function serverData(dataDir: string, options: { contacts?: number } = {}) {
  const store = await openStore({ kind: 'sqlite', file: path.join(dataDir, 'kurir.db') });
  const ws = await store.workspaces.create({ id: 'ws_a', name: 'Acme', defaultCountry: 'DE', createdAt: AT });
  for (let i = 0; i < (options.contacts ?? 3); i++)
    await store.contacts.create({
      id: `ct_${i}`,
      workspaceId: ws.id,
      phone: `+4915112345${String(100 + i)}`,
      name: `Person ${i}`,
      fields: {},
      tags: [],
      status: null,
      consent: null,
      createdAt: AT,
      updatedAt: AT,
    });
  const { secret } = embeddedSecret(dataDir);
  const files = new FileStorage(fileStorageDir(dataDir));
  await files.save(ws.id, 'fil_logo', Readable.from([Buffer.from('logo bytes')]), 1024);
  return { store, secret };
}

const contactCount = async (store: Store) => store.contacts.count('ws_a', {});
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

function options(dataDir: string, extra: { secretFromEnv?: boolean; includeFiles?: boolean } = {}) {
  return {
    dataDir,
    secretFromEnv: extra.secretFromEnv ?? false,
    includeFiles: extra.includeFiles ?? true,
    kurirVersion: '0.0.0-test',
    now: AT,
  };
}

test('a backup taken while the store is open restores its data, secret and uploads into an empty directory', async () => {
  const root = tempDir('kurir-backup');
  const { store, secret } = await serverData(path.join(root, 'live'));
  try {
    const file = path.join(root, 'backup.tar');
    const manifest = await writeBackup(file, options(path.join(root, 'live')));
    // Written while the "server" keeps writing: the snapshot has what was committed before.
    await store.contacts.create({
      id: 'ct_late',
      workspaceId: 'ws_a',
      phone: '+4915199999999',
      name: 'Late',
      fields: {},
      tags: [],
      status: null,
      consent: null,
      createdAt: AT,
      updatedAt: AT,
    });
    assert.equal(mode(file), '600');
    assert.equal(manifest.secret, 'secret.key');
    assert.equal(manifest.files, 1);
    assert.equal(manifest.createdAt, '2026-05-01T03:00:00.000Z');
    assert.deepEqual(
      fs.readdirSync(root).sort(),
      ['backup.tar', 'live'],
      'nothing left behind beside the backup',
    );

    const restoredDir = path.join(root, 'restored');
    await restoreBackup(file, { dataDir: restoredDir, force: false });
    assert.equal(fs.readFileSync(path.join(restoredDir, 'secret.key'), 'utf8').trim(), secret);
    assert.equal(fs.readFileSync(path.join(restoredDir, 'files', 'ws_a', 'fil_logo'), 'utf8'), 'logo bytes');
    for (const f of ['kurir.db', 'secret.key', 'files/ws_a/fil_logo'])
      assert.equal(mode(path.join(restoredDir, f)), '600');
    assert.deepEqual(fs.readdirSync(restoredDir).sort(), ['files', 'kurir.db', 'secret.key']);
    const restored = await openStore({ kind: 'sqlite', file: path.join(restoredDir, 'kurir.db') });
    try {
      assert.equal(await contactCount(restored), 3);
      assert.equal((await restored.workspaces.list())[0]?.name, 'Acme');
    } finally {
      await restored.close();
    }
  } finally {
    await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('with KURIR_SECRET the backup holds no secret, and --no-files leaves the uploads out', async () => {
  const root = tempDir('kurir-backup');
  const { store } = await serverData(path.join(root, 'live'));
  try {
    const file = path.join(root, 'backup.tar');
    const manifest = await writeBackup(
      file,
      options(path.join(root, 'live'), { secretFromEnv: true, includeFiles: false }),
    );
    assert.equal(manifest.secret, 'KURIR_SECRET');
    assert.equal(manifest.files, null);
    assert.ok(!fs.readFileSync(file).includes('secret.key'), 'no secret.key entry');
    const restoredDir = path.join(root, 'restored');
    await restoreBackup(file, { dataDir: restoredDir, force: false });
    assert.deepEqual(fs.readdirSync(restoredDir).sort(), ['kurir.db']);
  } finally {
    await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('restore refuses a directory that holds Kurir data unless forced, and a database in use even then', async () => {
  const root = tempDir('kurir-backup');
  const source = await serverData(path.join(root, 'live'), { contacts: 5 });
  const other = await serverData(path.join(root, 'other'), { contacts: 1 });
  const file = path.join(root, 'backup.tar');
  try {
    await writeBackup(file, options(path.join(root, 'live')));
    await source.store.close();

    await assert.rejects(
      restoreBackup(file, { dataDir: path.join(root, 'other'), force: true }),
      /is open in a running Kurir .* not even with --force/,
    );
    await other.store.close();
    await assert.rejects(
      restoreBackup(file, { dataDir: path.join(root, 'other'), force: false }),
      /already holds Kurir data \(kurir\.db, secret\.key, files\/\)\. .* add --force/,
    );
    const reopened = await openStore({ kind: 'sqlite', file: path.join(root, 'other', 'kurir.db') });
    assert.equal(await contactCount(reopened), 1, 'the refused restore changed nothing');
    await reopened.close();

    await restoreBackup(file, { dataDir: path.join(root, 'other'), force: true });
    const replaced = await openStore({ kind: 'sqlite', file: path.join(root, 'other', 'kurir.db') });
    try {
      assert.equal(await contactCount(replaced), 5);
      assert.equal(fs.readFileSync(path.join(root, 'other', 'secret.key'), 'utf8').trim(), source.secret);
      assert.deepEqual(fs.readdirSync(path.join(root, 'other')).sort(), [
        'files',
        'kurir.db',
        'kurir.db-shm',
        'kurir.db-wal',
        'secret.key',
      ]);
    } finally {
      await replaced.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('restore refuses a damaged or foreign archive and leaves the directory as it was', async () => {
  const root = tempDir('kurir-backup');
  const { store } = await serverData(path.join(root, 'live'));
  const file = path.join(root, 'backup.tar');
  const target = path.join(root, 'restored');
  try {
    await writeBackup(file, options(path.join(root, 'live')));
    const good = fs.readFileSync(file);

    // One byte of the database changed (past the manifest's and the database's headers).
    const damaged = Buffer.from(good);
    const at = damaged.indexOf('SQLite format 3') + 4096;
    damaged[at] = (damaged[at] as number) ^ 0xff;
    fs.writeFileSync(file, damaged);
    await assert.rejects(
      restoreBackup(file, { dataDir: target, force: false }),
      /does not match its checksum/,
    );

    fs.writeFileSync(file, good.subarray(0, good.length - 2048));
    await assert.rejects(restoreBackup(file, { dataDir: target, force: false }), /truncated/);

    // Well-formed, but with a name that would land outside the data directory.
    const out = await fs.promises.open(file, 'w');
    const tar = new TarWriter(out);
    await tar.addBytes('kurir-backup.json', Buffer.from('{}'), AT);
    await tar.addBytes('../../escaped', Buffer.from('x'), AT);
    await tar.finish();
    await out.close();
    await assert.rejects(
      restoreBackup(file, { dataDir: target, force: false }),
      /not a Kurir backup .*: it holds \.\.\/\.\.\/escaped, which Kurir does not write/,
    );

    fs.writeFileSync(file, 'phone,name\n+4915112345678,Ana\n');
    await assert.rejects(restoreBackup(file, { dataDir: target, force: false }), /not a Kurir backup/);

    assert.deepEqual(fs.readdirSync(target), [], 'nothing unpacked, nothing left over');
  } finally {
    await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
