import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadCliConfig, loadConfig } from '../src/config.ts';

test('defaults give an embedded server on port 3000 with data under ./data', () => {
  const config = loadConfig({}, '/srv/kurir');
  assert.equal(config.PORT, 3000);
  assert.equal(config.DATA_DIR, path.resolve('/srv/kurir', 'data'));
  assert.equal(config.DATABASE_URL, undefined);
  assert.ok(Object.isFrozen(config));
});

test('every bad setting is reported at once', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', KURIR_DEFAULT_COUNTRY: 'germany' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 3);
      assert.match(error.message, /PORT/);
      assert.match(error.message, /LOG_LEVEL/);
      assert.match(error.message, /KURIR_DEFAULT_COUNTRY/);
      return true;
    },
  );
});

test('empty variables count as unset', () => {
  assert.equal(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT, 3000);
});

test('the command line defaults to the local server and takes its key from KURIR_API_KEY', () => {
  assert.deepEqual(loadCliConfig({}), { KURIR_URL: 'http://127.0.0.1:3000' });
  const config = loadCliConfig({
    KURIR_URL: 'https://kurir.example',
    KURIR_API_KEY: 'kur_x',
    PORT: 'eighty',
  });
  assert.deepEqual(config, { KURIR_URL: 'https://kurir.example', KURIR_API_KEY: 'kur_x' });
  assert.throws(() => loadCliConfig({ KURIR_URL: 'localhost:3000' }), /KURIR_URL: must be an http/);
});
