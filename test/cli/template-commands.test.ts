import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, servedApp } from './served-app.ts';

test('template add saves variants and names their variables; template ls lists them', async () => {
  await using t = await servedApp();
  const added = await t.cli(
    'template',
    'add',
    '--name',
    'Welcome',
    '--text',
    'Hi {{firstName|there}}',
    '--text',
    '{Hello|Hey} {{name}}',
  );
  assert.equal(added.code, 0, added.output);
  const id = firstLine(added.output);
  assert.match(added.output, /Template "Welcome": 2 variants, variables firstName, name/);
  const listed = await t.cli('template', 'ls');
  assert.match(listed.output, new RegExp(`^${id}\\s+Welcome\\s+2\\s+firstName, name$`, 'm'));
});

test('a template that does not parse is refused with the variant and position', async () => {
  await using t = await servedApp();
  const refused = await t.cli('template', 'add', '--name', 'Broken', '--text', 'Fine', '--text', 'Hi {name');
  assert.equal(refused.code, 1, refused.output);
  assert.match(refused.output, /template\.invalid \(422\)/);
  assert.match(refused.output, /^ {2}\/variants\/1: line 1, column 4: /m);
});
