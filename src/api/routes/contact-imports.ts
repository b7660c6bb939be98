import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { FIELD_KEY_PATTERN } from '../../domain/contact.ts';
import { KurirError, notFound } from '../../domain/errors.ts';
import type { Job } from '../../domain/job.ts';
import type { Workspace } from '../../domain/workspace.ts';
import type { CampaignLifecycle } from '../../engine/campaign-lifecycle.ts';
import type { ContactImporter, ImportRequest } from '../../engine/contact-import/contact-importer.ts';
import type { Store } from '../../store/store.ts';
import { addExamples, exampleOf, IdParams, Nullable, oneOf, Timestamp, toIso } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { singleFilePart } from '../multipart.ts';
import { operation, reply } from '../operation.ts';
import { validationErrors } from '../problem.ts';

export interface ContactImportRoutesOptions {
  store: Store;
  importer: ContactImporter;
  /** For a campaign's audience upload, which points the campaign at its import. */
  campaigns: CampaignLifecycle;
  uploadLimitBytes: number;
}

const Column = Type.String({ minLength: 1, maxLength: 200, description: 'A header of the CSV' });

const Mapping = Type.Object(
  {
    phone: Type.Optional(Column),
    name: Type.Optional(Column),
    tags: Type.Optional(Column),
    status: Type.Optional(Column),
    fields: Type.Optional(
      Type.Record(Type.String({ pattern: FIELD_KEY_PATTERN.source }), Column, {
        additionalProperties: false,
        maxProperties: 100,
      }),
    ),
  },
  { additionalProperties: false },
);

/** Options travel as multipart fields (before the file) or, for a raw CSV body, in the query. */
const ImportOptionsQuery = Type.Object(
  {
    mapping: Type.Optional(
      Type.String({
        maxLength: 20_000,
        description: 'JSON: {"phone":"Mobile","name":"Name","fields":{"city":"City"}}',
      }),
    ),
    onDuplicate: Type.Optional(
      oneOf(['update', 'skip'], {
        description: 'A phone that is already a contact: update it (default) or skip the row',
      }),
    ),
    tags: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Comma-separated tags added to every row' }),
    ),
    tagSeparator: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1,
        description: 'Splits the tags column; default any of ; , |',
      }),
    ),
    delimiter: Type.Optional(oneOf([',', ';', '\t'], { description: 'Default: detected from the header' })),
  },
  { additionalProperties: false },
);

/** A CSV as the examples show it: three countries, one row that is not a phone number. */
const CSV_EXAMPLE =
  'Mobile,Full name,Town,Groups\n' +
  '+49 151 12345678,Ana Lima,Berlin,vip\n' +
  '+55 11 98765-4321,João Silva,São Paulo,vip\n' +
  '+62 812-3456-7890,Putri Wijaya,Jakarta,\n' +
  'call me,Bo Berg,Hamburg,\n';

type ImportOptions = Static<typeof ImportOptionsQuery>;

/**
 * What the docs page fills each option's form field with: a form field is sent once it
 * has a value, so these are what "Try it out" imports with unless changed.
 */
const formValues: { [K in keyof ImportOptions]-?: NonNullable<ImportOptions[K]> } = {
  mapping: '{"phone":"Mobile","name":"Full name","tags":"Groups","fields":{"city":"Town"}}',
  onDuplicate: 'update',
  tags: 'spring-2026',
  tagSeparator: ';',
  delimiter: ',',
};

/** Optional form fields, each with the value the docs page fills it with as its example. */
function withFormValues<P extends Record<string, TSchema>>(
  properties: P,
  values: Record<keyof P, unknown>,
): P {
  const fields: Record<string, TSchema> = {};
  for (const [key, schema] of Object.entries(properties)) {
    fields[key] = Type.Optional({ ...schema, examples: [values[key]] });
  }
  return fields as P;
}

/**
 * The multipart form: the options as text fields, then the file. Fields after the file
 * are not read (that would mean buffering the file), hence the order.
 */
const ImportUpload = addExamples(
  Type.Object(
    {
      ...withFormValues(ImportOptionsQuery.properties, formValues),
      file: Type.String({
        format: 'binary',
        contentMediaType: 'text/csv',
        description: 'The CSV, UTF-8 with or without BOM; the last part of the form',
      }),
    },
    { additionalProperties: false },
  ),
  { mapping: formValues.mapping, onDuplicate: 'update', tags: formValues.tags, file: CSV_EXAMPLE },
);

/** The same CSV posted as the whole body, with the options in the query string. */
const CsvBody = addExamples(
  Type.String({ contentMediaType: 'text/csv', description: 'The CSV as the whole body' }),
  CSV_EXAMPLE,
);

const mappingCheck = new Ajv({ allErrors: true, strict: false }).compile(Mapping);
const optionsCheck = new Ajv({ allErrors: true, strict: false }).compile(ImportOptionsQuery);

const JobSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([
      Type.Literal('queued'),
      Type.Literal('running'),
      Type.Literal('completed'),
      Type.Literal('failed'),
    ]),
    progress: Type.Object({
      totalRows: Type.Integer(),
      processedRows: Type.Integer(),
      percent: Type.Number(),
    }),
    counts: Type.Object({
      imported: Type.Integer(),
      updated: Type.Integer(),
      skipped: Type.Integer(),
      rejected: Type.Integer(),
    }),
    rejections: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
      description: 'The first rejected rows; page through all at /rejections',
    }),
    options: Type.Object({
      mapping: Type.Object({
        phone: Type.String(),
        name: Type.Optional(Type.String()),
        tags: Type.Optional(Type.String()),
        status: Type.Optional(Type.String()),
        fields: Type.Record(Type.String(), Type.String()),
      }),
      onDuplicate: Type.String(),
      tags: Type.Array(Type.String()),
      delimiter: Type.String(),
    }),
    error: Nullable(Type.String()),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
  },
  { title: 'ContactImport' },
);
addExamples(JobSchema, {
  id: exampleIds.import,
  status: 'running',
  progress: { totalRows: 12_000, processedRows: 4_800, percent: 40 },
  counts: { imported: 4_530, updated: 262, skipped: 0, rejected: 8 },
  rejections: [
    { line: 5, reason: 'phone: has no digits' },
    { line: 1_877, reason: 'phone: is not a valid number for DE' },
  ],
  options: {
    mapping: { phone: 'Mobile', name: 'Full name', tags: 'Groups', fields: { city: 'Town' } },
    onDuplicate: 'update',
    tags: ['spring-2026'],
    delimiter: ',',
  },
  error: null,
  createdAt: '2026-03-02T11:36:27.307Z',
  startedAt: '2026-03-02T11:36:27.309Z',
  finishedAt: null,
});

/** Where a submitted import is followed. */
const Submitted = {
  ...reply("The import is queued: follow it at the `Location` header's URL", JobSchema, {
    example: {
      ...exampleOf(JobSchema),
      status: 'queued',
      progress: { totalRows: 12_000, processedRows: 0, percent: 0 },
      counts: { imported: 0, updated: 0, skipped: 0, rejected: 0 },
      rejections: [],
      startedAt: null,
    },
  }),
  headers: {
    location: Type.String({ description: 'The import: `/v1/contacts/import/{id}`' }),
  },
};

const UploadErrors = [
  'request.unsupported_media_type',
  'file.too_large',
  'import.invalid_csv',
  'import.invalid_mapping',
] as const;

const SHOWN_REJECTIONS = 100;

async function jobJson(store: Store, job: Job) {
  const total = job.totalRows;
  return {
    id: job.id,
    status: job.status,
    progress: {
      totalRows: total,
      processedRows: job.counts.processedRows,
      percent:
        total === 0
          ? job.status === 'completed'
            ? 100
            : 0
          : Math.round((job.counts.processedRows / total) * 1000) / 10,
    },
    counts: {
      imported: job.counts.imported,
      updated: job.counts.updated,
      skipped: job.counts.skipped,
      rejected: job.counts.rejected,
    },
    rejections:
      job.counts.rejected > 0 ? await store.jobs.rejections(job.id, { limit: SHOWN_REJECTIONS }) : [],
    options: {
      mapping: { ...job.options.mapping },
      onDuplicate: job.options.onDuplicate,
      tags: job.options.tags,
      delimiter: job.options.delimiter,
    },
    error: job.error,
    createdAt: toIso(job.createdAt),
    startedAt: toIso(job.startedAt),
    finishedAt: toIso(job.finishedAt),
  };
}

/** Reads and checks the import options, naming each bad one. */
function readOptions(raw: Record<string, unknown>): ImportRequest {
  if (!optionsCheck(raw)) {
    throw new KurirError('request.invalid', 'The import options are not valid', {
      errors: validationErrors(optionsCheck.errors ?? [], 'body', ''),
    });
  }
  const options = raw as Static<typeof ImportOptionsQuery>;
  const request: ImportRequest = {};
  if (options.mapping !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(options.mapping);
    } catch {
      throw new KurirError('request.invalid', 'mapping is not valid JSON', {
        errors: [{ pointer: '/mapping', detail: 'must be a JSON object' }],
      });
    }
    if (!mappingCheck(parsed)) {
      throw new KurirError('import.invalid_mapping', 'The column mapping is not valid', {
        errors: validationErrors(mappingCheck.errors ?? [], 'body', '/mapping'),
      });
    }
    request.mapping = parsed as Static<typeof Mapping>;
  }
  if (options.onDuplicate !== undefined) request.onDuplicate = options.onDuplicate;
  if (options.tags !== undefined)
    request.tags = options.tags
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
  if (options.tagSeparator !== undefined) request.tagSeparator = options.tagSeparator;
  if (options.delimiter !== undefined) request.delimiter = options.delimiter;
  return request;
}

export const contactImportRoutes: FastifyPluginAsyncTypebox<ContactImportRoutesOptions> = async (
  app,
  { store, importer, campaigns, uploadLimitBytes },
) => {
  /** Reads an upload (multipart with the options first, or a raw text/csv body) and queues its import. */
  async function submit(
    request: FastifyRequest<{ Querystring: Static<typeof ImportOptionsQuery> }> & { workspace: Workspace },
    extra: Pick<ImportRequest, 'recordMembers'>,
  ): Promise<Job> {
    if (request.isMultipart()) {
      const { fields, file } = await singleFilePart(request, uploadLimitBytes);
      return importer.submit(request.workspace, file, {
        ...readOptions({ ...request.query, ...fields }),
        ...extra,
      });
    }
    const body = request.body as Readable | undefined;
    if (body === undefined || typeof (body as Readable).pipe !== 'function') {
      throw new KurirError(
        'request.unsupported_media_type',
        'Send the CSV as multipart/form-data (field `file`) or as a text/csv body',
      );
    }
    return importer.submit(
      request.workspace,
      { stream: body, fileName: 'upload.csv', contentType: 'text/csv' },
      { ...readOptions(request.query), ...extra },
    );
  }

  /** 202 with the queued job, and where to follow it. */
  const accepted = async (reply: FastifyReply, job: Job) =>
    reply
      .code(202)
      .header('location', `/v1/contacts/import/${job.id}`)
      .send(await jobJson(store, job));

  app.post(
    '/contacts/import',
    {
      schema: operation({
        operationId: 'importContacts',
        tags: ['contacts'],
        summary: 'Import contacts from a CSV',
        description:
          'Send `multipart/form-data` with the options as fields **before** the `file` field, or post the CSV ' +
          'raw as `text/csv` with the options in the query string. UTF-8 (with or without BOM), `,` `;` or tab ' +
          'delimited. Columns are mapped by header name unless `mapping` says otherwise. The import runs as a ' +
          'job: poll `GET /v1/contacts/import/{id}` for progress and the rejected rows with their line numbers.',
        querystring: ImportOptionsQuery,
        rawBody: { 'multipart/form-data': ImportUpload, 'text/csv': CsvBody },
        response: { 202: Submitted },
        errors: [...UploadErrors],
      }),
    },
    async (request, reply) => accepted(reply, await submit(request, {})),
  );

  app.post(
    '/campaigns/:id/audience',
    {
      schema: operation({
        operationId: 'uploadCampaignAudience',
        tags: ['campaigns'],
        summary: "Upload a CSV as a campaign's audience",
        description:
          'The same upload as `POST /v1/contacts/import` (fields, mapping, raw `text/csv`): the rows become or update ' +
          'contacts, and the campaign (a draft or scheduled one) is sent to exactly the contacts the file lists, ' +
          'its audience becoming `{ importId }`. Rejected rows are in the import report with their line numbers. ' +
          'Starting the campaign waits for the import: until it completes, a start answers 409 ' +
          '`campaign.audience_importing`.',
        params: IdParams,
        querystring: ImportOptionsQuery,
        rawBody: { 'multipart/form-data': ImportUpload, 'text/csv': CsvBody },
        response: { 202: Submitted },
        errors: ['campaign.not_found', 'campaign.invalid_state', ...UploadErrors],
      }),
    },
    async (request, reply) => {
      const ws = request.workspace;
      const campaign = await campaigns.editable(ws.id, request.params.id);
      const job = await submit(request, { recordMembers: true });
      await campaigns.update(ws.id, campaign.id, { audience: { importId: job.id } });
      return accepted(reply, job);
    },
  );

  app.get(
    '/contacts/import/:id',
    {
      schema: operation({
        operationId: 'getContactImport',
        tags: ['contacts'],
        summary: "An import's progress and report",
        params: IdParams,
        response: { 200: reply('The import: progress, counts and the first rejected rows', JobSchema) },
        errors: ['import.not_found'],
      }),
    },
    async (request) => {
      const job = await store.jobs.get(request.workspace.id, request.params.id);
      if (job === null) throw notFound('import', request.params.id);
      return jobJson(store, job);
    },
  );

  app.get(
    '/contacts/import/:id/rejections',
    {
      schema: operation({
        operationId: 'listContactImportRejections',
        tags: ['contacts'],
        summary: 'Every rejected row of an import, by line',
        params: IdParams,
        querystring: Type.Object(
          {
            afterLine: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: reply(
            'Rejected rows in line order; pass `nextAfterLine` as `afterLine` for the next page',
            addExamples(
              Type.Object({
                data: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
                nextAfterLine: Nullable(Type.Integer()),
              }),
              {
                data: [
                  { line: 5, reason: 'phone: has no digits' },
                  { line: 1_877, reason: 'phone: is not a valid number for DE' },
                ],
                nextAfterLine: null,
              },
            ),
          ),
        },
        errors: ['import.not_found'],
      }),
    },
    async (request) => {
      const job = await store.jobs.get(request.workspace.id, request.params.id);
      if (job === null) throw notFound('import', request.params.id);
      const limit = request.query.limit ?? 200;
      const data = await store.jobs.rejections(job.id, {
        limit,
        ...(request.query.afterLine === undefined ? {} : { afterLine: request.query.afterLine }),
      });
      return { data, nextAfterLine: data.length === limit ? (data.at(-1)?.line ?? null) : null };
    },
  );
};
