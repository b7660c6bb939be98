import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblem, queryString } from '../../src/cli/api-client.ts';

test('a problem reads as its code, status and detail, then one line per field, parameter or CSV line', () => {
  assert.equal(
    formatProblem({
      status: 422,
      code: 'campaign.invalid',
      detail: 'The campaign cannot run as defined',
      errors: [
        { pointer: '/window/timezone', detail: 'is not an IANA time zone' },
        { pointer: '/', detail: 'must be an object' },
        { parameter: 'status', detail: 'must be one of: draft, running' },
        { line: 7, detail: 'phone: has no digits' },
      ],
    }),
    [
      'campaign.invalid (422): The campaign cannot run as defined',
      '  /window/timezone: is not an IANA time zone',
      '  body: must be an object',
      '  parameter status: must be one of: draft, running',
      '  line 7: phone: has no digits',
    ].join('\n'),
  );
});

test('a refused key points at where the key comes from; a server error gives its request id', () => {
  assert.match(
    formatProblem({ status: 401, code: 'auth.invalid_key', detail: 'Unknown key' }),
    /\n {2}check the key in KURIR_API_KEY or --key$/,
  );
  assert.match(
    formatProblem({ status: 500, code: 'internal', detail: 'Something broke', requestId: 'req-7' }),
    /\n {2}request id req-7$/,
  );
});

test('query strings repeat array values and leave out what is unset', () => {
  assert.equal(
    queryString({ status: ['running', 'paused'], limit: 500, cursor: undefined }),
    '?status=running&status=paused&limit=500',
  );
  assert.equal(queryString({ cursor: undefined }), '');
  assert.equal(queryString({ type: ['campaign.'] }), '?type=campaign.');
});
