import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KurirError } from '../../../src/domain/errors.ts';
import { planColumns, resolveMapping } from '../../../src/engine/contact-import/column-mapping.ts';

function mappingErrors(run: () => unknown): { pointer?: string; detail: string }[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KurirError);
    assert.equal(error.code, 'import.invalid_mapping');
    return (error.errors ?? []).map((e) => ({
      ...(e.pointer === undefined ? {} : { pointer: e.pointer }),
      detail: e.detail,
    }));
  }
  assert.fail('the mapping was accepted');
}

describe('resolveMapping', () => {
  test('maps headers by name, any case, and makes every other column a custom field', () => {
    const mapping = resolveMapping(
      ['Full Name', 'Mobile', 'Labels', 'Lead Status', 'Company Name', 'City', ''],
      undefined,
    );
    assert.deepEqual(mapping, {
      phone: 'Mobile',
      name: 'Full Name',
      tags: 'Labels',
      status: 'Lead Status',
      fields: { company_name: 'Company Name', city: 'City' },
    });
  });

  test('knows phone headers in several languages and spellings', () => {
    for (const header of [
      'phone_number',
      'Phone-Number',
      'WhatsApp',
      'Telefon',
      'Handynummer',
      'Téléphone portable',
      'No HP',
    ]) {
      assert.equal(resolveMapping(['Name', header], undefined).phone, header, header);
    }
  });

  test('prefers "phone" over "mobile" and keeps the other as a field', () => {
    assert.deepEqual(resolveMapping(['Mobile', 'Phone'], undefined), {
      phone: 'Phone',
      fields: { mobile: 'Mobile' },
    });
  });

  test("leaves out the columns Kurir's export writes but an import cannot set", () => {
    const header = ['phone', 'name', 'status', 'tags', 'consent_at', 'consent_source', 'created_at', 'city'];
    assert.deepEqual(resolveMapping(header, undefined).fields, { city: 'city' });
  });

  test('without a phone-like column, says so', () => {
    assert.deepEqual(
      mappingErrors(() => resolveMapping(['Name', 'City'], undefined)),
      [
        {
          pointer: '/mapping/phone',
          detail: 'no column looks like a phone number (phone, mobile, whatsapp…); name it in mapping.phone',
        },
      ],
    );
  });

  test('refuses duplicate headers that make auto-mapping ambiguous', () => {
    const errors = mappingErrors(() => resolveMapping(['Phone', 'phone', 'City', 'city '], undefined));
    assert.deepEqual(
      errors.map((e) => e.pointer),
      ['/mapping/phone', '/mapping/fields/city'],
    );
  });

  test('an explicit mapping is the whole mapping and matches headers loosely', () => {
    assert.deepEqual(
      resolveMapping(['Tel', 'Who', 'Town', 'Extra'], {
        phone: 'tel',
        name: ' WHO ',
        fields: { town: 'Town' },
      }),
      {
        phone: 'tel',
        name: ' WHO ',
        fields: { town: 'Town' },
      },
    );
  });

  test('reports every problem of an explicit mapping with its pointer', () => {
    const errors = mappingErrors(() =>
      resolveMapping(['Tel', 'Name', 'Name'], {
        name: 'Name',
        tags: 'Groups',
        fields: { '1bad': 'Tel', 'a/b': 'Nope' },
      }),
    );
    assert.deepEqual(errors, [
      { pointer: '/mapping/phone', detail: 'is required: name the column holding phone numbers' },
      { pointer: '/mapping/name', detail: 'column "Name" appears 2 times in the header' },
      { pointer: '/mapping/tags', detail: 'column "Groups" is not in the header' },
      {
        pointer: '/mapping/fields/1bad',
        detail: 'is not a valid field key: letters, digits and _, not starting with a digit, at most 64',
      },
      {
        pointer: '/mapping/fields/a~1b',
        detail: 'is not a valid field key: letters, digits and _, not starting with a digit, at most 64',
      },
      { pointer: '/mapping/fields/a~1b', detail: 'column "Nope" is not in the header' },
    ]);
  });

  test('planColumns finds each mapped column by position', () => {
    const header = ['Name', 'Phone', 'City'];
    assert.deepEqual(planColumns(header, { phone: 'phone', name: 'Name', fields: { city: 'CITY' } }), {
      phone: 1,
      name: 0,
      tags: -1,
      status: -1,
      fields: [['city', 2]],
    });
  });
});
