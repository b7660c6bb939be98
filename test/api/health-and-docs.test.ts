import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createTestApp } from '../support/test-app.ts';

test('health and readiness answer without a key', async () => {
  await using t = await createTestApp();
  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/health' })).json(), { status: 'ok' });
  const ready = await t.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready', database: 'sqlite' });
});

test('readiness is 503 problem JSON once the database is gone', async () => {
  await using t = await createTestApp();
  await t.store.close();
  const ready = await t.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json().code, 'server.unavailable');
  t.store.close = async () => {};
});

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON walked by key
type Json = any;

let served: Promise<Json> | undefined;

/** The document as `/openapi.json` serves it; fetched once for the tests of this file. */
function openApiDocument(): Promise<Json> {
  served ??= (async () => {
    await using t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    return res.json();
  })();
  return served;
}

/** A JSON Pointer segment (RFC 6901). */
const segment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

interface Operation {
  /** `POST /v1/contacts`, to name it in a failure. */
  name: string;
  pointer: string;
  op: Json;
}

function operationsOf(spec: Json): Operation[] {
  const methods = ['get', 'put', 'post', 'patch', 'delete'];
  return Object.entries(spec.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Json>)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({
        name: `${method.toUpperCase()} ${path}`,
        pointer: `/paths/${segment(path)}/${method}`,
        op,
      })),
  );
}

interface Media {
  /** `request multipart/form-data`, `201 application/json`, … */
  name: string;
  pointer: string;
  media: Json;
}

function mediaOf({ op, pointer }: Operation): Media[] {
  const out: Media[] = [];
  for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
    out.push({ name: `request ${type}`, pointer: `${pointer}/requestBody/content/${segment(type)}`, media });
  }
  for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
    for (const [type, media] of Object.entries(response.content ?? {})) {
      out.push({
        name: `${status} ${type}`,
        pointer: `${pointer}/responses/${status}/content/${segment(type)}`,
        media,
      });
    }
  }
  return out;
}

/** The examples of a media object: `example`, or each value of `examples`. */
function examplesOf(media: Json): { name: string; value: unknown }[] {
  if ('example' in media) return [{ name: 'example', value: media.example }];
  return Object.entries((media.examples ?? {}) as Record<string, Json>).map(([name, e]) => ({
    name,
    value: e.value,
  }));
}

/** Bytes (an image, a stored file, a form of only files) have no example to show. */
function isBytes(schema: Json): boolean {
  if (schema?.format === 'binary') return true;
  const properties = Object.values((schema?.properties ?? {}) as Record<string, Json>);
  return schema?.type === 'object' && properties.length > 0 && properties.every((p) => p.format === 'binary');
}

test('every operation has a unique operationId, a summary, one described tag, real descriptions and examples', async () => {
  const spec = await openApiDocument();
  const declared = new Set((spec.tags as Json[]).map((tag) => tag.name));
  const used = new Set<string>();
  const seen = new Map<string, string>();
  const faults: string[] = [];
  const fault = (where: string, what: string) => faults.push(`${where}: ${what}`);
  for (const operation of operationsOf(spec)) {
    const { name, op } = operation;
    if (typeof op.operationId !== 'string' || !/^[a-z]+[A-Z][A-Za-z0-9]*$/.test(op.operationId)) {
      fault(name, `operationId ${JSON.stringify(op.operationId)} is not a camelCase verb and noun`);
    } else if (seen.has(op.operationId)) {
      fault(name, `operationId ${op.operationId} is also ${seen.get(op.operationId)}'s`);
    } else {
      seen.set(op.operationId, name);
    }
    if (typeof op.summary !== 'string' || op.summary.trim() === '') fault(name, 'no summary');
    if (!Array.isArray(op.tags) || op.tags.length !== 1) fault(name, 'needs exactly one tag');
    for (const tag of op.tags ?? []) {
      used.add(tag);
      if (!declared.has(tag)) fault(name, `tag ${tag} is not among the document's tags`);
    }
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      if (!response.description || response.description === 'Default Response') {
        fault(name, `response ${status} has no description of its own`);
      }
    }
    const media = mediaOf(operation);
    let examples = 0;
    for (const { name: what, media: m } of media) {
      const count = examplesOf(m).length;
      examples += count;
      if (count === 0 && !isBytes(m.schema)) fault(name, `${what} has no example`);
    }
    if (examples === 0) fault(name, 'has no example at all');
  }
  for (const tag of declared) if (!used.has(tag)) fault(`tag ${tag}`, 'no operation uses it');
  assert.deepEqual(faults, []);
});

test('every example in the OpenAPI document fits its schema', async () => {
  const spec = await openApiDocument();
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 plus OpenAPI's own keywords, and `binary`
  // is OpenAPI's format for bytes. The document is added whole, its own fields as keywords
  // that hold no schema, so each example is checked by a pointer into it and its `$ref`s
  // resolve as they do for any reader. Strict, so a misspelt keyword fails too.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('binary', true);
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components']);
  ajv.addVocabulary(['security', 'tags']);
  ajv.addSchema(spec, 'openapi.json');
  const faults: string[] = [];
  const check = (where: string, pointer: string, value: unknown) => {
    const validate = ajv.getSchema(`openapi.json#${pointer}`);
    assert.ok(validate, `${where}: no schema at ${pointer}`);
    if (!validate(value)) faults.push(`${where}: ${ajv.errorsText(validate.errors)}`);
  };
  let checked = 0;
  for (const operation of operationsOf(spec)) {
    for (const { name, pointer, media } of mediaOf(operation)) {
      for (const example of examplesOf(media)) {
        check(`${operation.name} ${name} ${example.name}`, `${pointer}/schema`, example.value);
        checked++;
      }
    }
  }
  for (const [name, schema] of Object.entries(spec.components.schemas as Record<string, Json>)) {
    for (const [i, value] of ((schema.examples ?? []) as unknown[]).entries()) {
      check(`component ${name} example ${i}`, `/components/schemas/${segment(name)}`, value);
      checked++;
    }
  }
  assert.deepEqual(faults, []);
  assert.ok(checked > 150, `only ${checked} examples checked`);
});

test('errors are problem JSON with an example for each code a route answers with', async () => {
  const spec = await openApiDocument();
  const faults: string[] = [];
  for (const { name, op } of operationsOf(spec)) {
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      if (Number(status) < 400) continue;
      const types = Object.keys(response.content ?? {});
      if (types.join() !== 'application/problem+json') {
        faults.push(`${name} ${status}: served as ${types.join(', ') || 'nothing'}`);
        continue;
      }
      for (const [code, example] of Object.entries(
        response.content['application/problem+json'].examples ?? {},
      )) {
        const problem = (example as Json).value;
        if (problem.code !== code || problem.status !== Number(status)) {
          faults.push(`${name} ${status}: example ${code} is ${problem.code} with status ${problem.status}`);
        }
        if (!response.description.includes(`\`${code}\``)) {
          faults.push(`${name} ${status}: the description does not name ${code}`);
        }
      }
    }
  }
  assert.deepEqual(faults, []);
  const createContact = spec.paths['/v1/contacts'].post.responses;
  assert.deepEqual(Object.keys(createContact).sort(), ['201', '400', '401', '409', '415', '422']);
  assert.deepEqual(Object.keys(createContact['401'].content['application/problem+json'].examples), [
    'auth.missing_key',
    'auth.invalid_key',
  ]);
  assert.equal(spec.paths['/health'].get.responses['401'], undefined, 'no key, no 401');
});

test('uploads document their form with a file field, and raw CSV where the route takes it', async () => {
  const spec = await openApiDocument();
  for (const [path, types] of [
    ['/v1/contacts/import', ['multipart/form-data', 'text/csv']],
    ['/v1/campaigns/{id}/audience', ['multipart/form-data', 'text/csv']],
    ['/v1/files', ['multipart/form-data']],
  ] as const) {
    const content = spec.paths[path].post.requestBody?.content ?? {};
    assert.deepEqual(Object.keys(content), types, path);
    const form = content['multipart/form-data'].schema;
    assert.equal(form.properties.file.format, 'binary', `${path}: the file picker needs a binary file field`);
    assert.ok(form.required.includes('file'), path);
  }
  const form = spec.paths['/v1/contacts/import'].post.requestBody.content['multipart/form-data'].schema;
  for (const option of ['mapping', 'onDuplicate', 'tags']) assert.ok(form.properties[option], option);
});

test('a start without a body is documented as such; other bodies are required', async () => {
  const spec = await openApiDocument();
  assert.equal(spec.paths['/v1/campaigns/{id}/start'].post.requestBody.required, false);
  assert.equal(spec.paths['/v1/campaigns'].post.requestBody.required, true);
  assert.equal(spec.paths['/v1/contacts/import'].post.requestBody.required, true);
});

test("the docs page carries Kurir's title and mark, not the framework's", async () => {
  await using t = await createTestApp();
  const page = await t.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<title>Kurir API<\/title>/);
  const icon = page.body.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/);
  assert.ok(icon, 'a favicon of our own');
  assert.doesNotMatch(page.body, /favicon-(16|32)x\1\.png/);
  const favicon = await t.app.inject({
    method: 'GET',
    url: new URL(icon?.[1] ?? '', 'http://kurir.test/docs/').pathname,
  });
  assert.equal(favicon.statusCode, 200);
  assert.equal(favicon.headers['content-type'], 'image/svg+xml');
  // The standalone layout's top bar shows the framework's logo; the base layout has none.
  const init = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.match(init.body, /const config = \{"layout":"BaseLayout"/);
  const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(spec.json().info.title, 'Kurir API');
});

test('the OpenAPI document is 3.1, covers the API and orders its tags as a first campaign goes', async () => {
  const spec = await openApiDocument();
  assert.equal(spec.openapi, '3.1.0');
  for (const path of [
    '/v1/contacts',
    '/v1/contacts/import',
    '/v1/suppressions',
    '/v1/templates',
    '/v1/templates/{id}/preview',
    '/v1/keys',
  ]) {
    assert.ok(spec.paths[path], `missing ${path}`);
  }
  assert.ok(spec.components.schemas.Problem, 'Problem schema');
  assert.ok(spec.components.schemas.Contact, 'Contact schema');
  assert.ok(spec.components.securitySchemes.bearer);
  const tags = (spec.tags as Json[]).map((tag) => tag.name);
  assert.deepEqual(tags.slice(0, 10), [
    'contacts',
    'templates',
    'files',
    'senders',
    'campaigns',
    'messages',
    'events',
    'suppressions',
    'workspace',
    'keys',
  ]);
  for (const tag of spec.tags as Json[]) assert.ok(tag.description?.length > 20, `${tag.name} is described`);
});

test('a request id given by the caller is echoed, otherwise one is made', async () => {
  await using t = await createTestApp();
  const given = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
  assert.equal(given.headers['x-request-id'], 'abc-123');
  const made = await t.app.inject({ method: 'GET', url: '/v1/contacts' });
  assert.match(String(made.headers['x-request-id']), /^req_/);
  assert.equal(made.json().requestId, made.headers['x-request-id']);
});
