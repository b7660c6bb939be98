import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KurirError } from '../../../src/domain/errors.ts';
import { parseTemplate } from '../../../src/domain/template/parse-template.ts';
import { templateVariables } from '../../../src/domain/template/template-variables.ts';
import { validateTemplate } from '../../../src/domain/template/validate-template.ts';

const known = new Set(['city', 'plan', 'name']);

function rejection(run: () => unknown): KurirError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KurirError, 'expected a KurirError');
    return error;
  }
  assert.fail('expected validation to throw');
}

test('lists variables once each, fields.x as x, with whether every use has a default', () => {
  const parsed = parseTemplate(
    '{{ city|Lisbon }} {{fields.city}} {a|{{plan|free}}|{{name}}} {{fields.name|-}} {{plan|basic}}',
  );
  assert.ok(parsed.ok);
  assert.deepEqual(templateVariables(parsed.nodes), [
    { name: 'city', field: true, hasDefault: false },
    { name: 'plan', field: true, hasDefault: true },
    { name: 'name', field: false, hasDefault: false },
    { name: 'name', field: true, hasDefault: true },
  ]);
});

test('accepts built-ins and known fields and lists the variables used', () => {
  const check = validateTemplate(
    {
      variants: ['Hi {{firstName}} from {{city}}', '{Hey|Hi} {{fields.name}}'],
      captions: [undefined, 'For {{plan}}'],
    },
    known,
  );
  assert.deepEqual(check, { variables: ['firstName', 'city', 'fields.name', 'plan'], warnings: [] });
});

test('rejects texts that do not parse with one error per problem, pointing at variant or caption', () => {
  const error = rejection(() =>
    validateTemplate(
      { variants: ['fine', 'line one\nx {Hi|Hey', 'a } {{}}'], captions: [undefined, '{{1x}}'] },
      known,
    ),
  );
  assert.equal(error.code, 'template.invalid');
  assert.equal(error.detail, 'The template has 4 problems');
  assert.deepEqual(error.errors, [
    { pointer: '/variants/1', detail: "line 2, column 3: unclosed '{' opened here" },
    { pointer: '/variants/2', detail: "line 1, column 3: '}' has no matching '{'" },
    {
      pointer: '/variants/2',
      detail: "line 1, column 5: variable has no name: write '{{name}}' or '{{name|default}}'",
    },
    {
      pointer: '/attachments/1/caption',
      detail:
        "line 1, column 3: '1x' is not a valid variable name (letters, digits, '_' and '.', not starting with a digit)",
    },
  ]);
});

test('rejects a template without variants', () => {
  const error = rejection(() => validateTemplate({ variants: [], captions: [] }, known));
  assert.equal(error.code, 'template.invalid');
  assert.deepEqual(error.errors, [{ pointer: '/variants', detail: 'a template needs at least one variant' }]);
});

test('rejects unknown variables without a default, naming each and where it is used', () => {
  const error = rejection(() =>
    validateTemplate(
      { variants: ['{{city}} {{zip}}', '{{zip|0000}} {a|{{fields.status}}}'], captions: ['{{zip}}'] },
      known,
    ),
  );
  assert.equal(error.code, 'template.unknown_variable');
  assert.equal(error.detail, 'Unknown variables: zip, fields.status');
  assert.deepEqual(error.errors, [
    {
      pointer: '/variants/0',
      detail: "variable 'zip' is not a field of any contact and has no default (write {{zip|default}})",
    },
    {
      pointer: '/variants/1',
      detail:
        "variable 'fields.status' is not a field of any contact and has no default (write {{fields.status|default}})",
    },
    {
      pointer: '/attachments/0/caption',
      detail: "variable 'zip' is not a field of any contact and has no default (write {{zip|default}})",
    },
  ]);
});

test('warns about unknown variables that have a default and accepts the template', () => {
  const check = validateTemplate(
    { variants: ['Hi {{nickname|friend}} in {{city}}', '{{nickname|you}}'], captions: [] },
    known,
  );
  assert.deepEqual(check, {
    variables: ['nickname', 'city'],
    warnings: ["variable 'nickname' is not a field of any contact; its default will be used"],
  });
});
