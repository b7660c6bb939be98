import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { requirePhone } from '../../domain/contact-input.ts';
import { notFound } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import { type Suppression, suppressionReasons } from '../../domain/suppression.ts';
import { suppressionsCsv } from '../../engine/contact-export.ts';
import type { Store } from '../../store/store.ts';
import {
  addExamples,
  IdParams,
  Nullable,
  oneOf,
  PageQuery,
  pageBody,
  pageOf,
  pageRequest,
  Timestamp,
  toIso,
} from '../common-schemas.ts';
import { sendCsv } from '../csv-reply.ts';
import { exampleIds } from '../example-ids.ts';
import { noContent, operation, reply, text } from '../operation.ts';

export interface SuppressionRoutesOptions {
  store: Store;
  clock: Clock;
  newId: IdFactory;
}

const Reason = oneOf(suppressionReasons, {
  description: 'opt_out: asked to stop; blocklist: never contact; bounce: undeliverable; manual: other',
});

export const SuppressionSchema = Type.Object(
  {
    id: Type.String(),
    phone: Type.String(),
    reason: Reason,
    note: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'Suppression', title: 'Suppression' },
);
addExamples(SuppressionSchema, {
  id: exampleIds.suppression,
  phone: '+6281234567890',
  reason: 'opt_out',
  note: 'Replied "BERHENTI" to Spring sale 2026',
  createdAt: '2026-03-02T11:56:11.581Z',
});

function suppressionJson(s: Suppression) {
  return { id: s.id, phone: s.phone, reason: s.reason, note: s.note, createdAt: toIso(s.createdAt) };
}

export const suppressionRoutes: FastifyPluginAsyncTypebox<SuppressionRoutesOptions> = async (
  app,
  { store, clock, newId },
) => {
  app.post(
    '/suppressions',
    {
      schema: operation({
        operationId: 'createSuppression',
        tags: ['suppressions'],
        summary: 'Suppress a phone: it will never be messaged',
        description:
          'Messages not yet sent to the phone become `skipped` (`suppressed`). `reason` defaults to `manual`.',
        body: addExamples(
          Type.Object(
            {
              phone: Type.String({ minLength: 1, maxLength: 64 }),
              reason: Type.Optional(Reason),
              note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
            },
            { additionalProperties: false },
          ),
          { phone: '+62 812-3456-7890', reason: 'blocklist', note: 'Asked by phone not to be contacted' },
        ),
        response: {
          201: reply('The suppression', SuppressionSchema, {
            example: {
              id: exampleIds.suppression,
              phone: '+6281234567890',
              reason: 'blocklist',
              note: 'Asked by phone not to be contacted',
              createdAt: '2026-03-02T11:56:11.581Z',
            },
          }),
        },
        errors: ['contact.invalid_phone', 'suppression.duplicate'],
      }),
    },
    async (request, reply) => {
      const ws = request.workspace;
      const created = await store.suppressions.add({
        id: newId('sup'),
        workspaceId: ws.id,
        phone: requirePhone(request.body.phone, ws.defaultCountry),
        reason: request.body.reason ?? 'manual',
        note: request.body.note?.trim() || null,
        createdAt: clock.now(),
      });
      return reply.code(201).send(suppressionJson(created));
    },
  );

  app.get(
    '/suppressions',
    {
      schema: operation({
        operationId: 'listSuppressions',
        tags: ['suppressions'],
        summary: 'List suppressed phones, newest first',
        querystring: Type.Object(
          {
            reason: Type.Optional(Reason),
            q: Type.Optional(Type.String({ maxLength: 32, description: 'Part of the phone' })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: reply('A page of suppressions', pageOf(SuppressionSchema, 'Suppression')) },
      }),
    },
    async (request) => {
      const { reason, q } = request.query;
      const page = await store.suppressions.list(
        request.workspace.id,
        { ...(reason ? { reason } : {}), ...(q ? { q } : {}) },
        pageRequest(request.query),
      );
      return pageBody(page.items.map(suppressionJson), page);
    },
  );

  app.get(
    '/suppressions/export',
    {
      schema: operation({
        operationId: 'exportSuppressions',
        tags: ['suppressions'],
        summary: 'Export the suppression list as CSV',
        response: {
          200: text(
            'Every suppressed phone with its reason and note, newest first',
            'text/csv',
            'phone,reason,note,created_at\n' +
              '+6281234567890,opt_out,"Replied ""BERHENTI"" to Spring sale 2026",2026-03-02T11:56:11.581Z\n' +
              '+5511912345678,bounce,not on WhatsApp,2026-02-27T15:02:44.010Z\n',
          ),
        },
      }),
    },
    async (request, reply) =>
      sendCsv(reply, 'suppressions.csv', suppressionsCsv(store.suppressions.stream(request.workspace.id))),
  );

  app.get(
    '/suppressions/:id',
    {
      schema: operation({
        operationId: 'getSuppression',
        tags: ['suppressions'],
        summary: 'Get a suppression',
        params: IdParams,
        response: { 200: reply('The suppression', SuppressionSchema) },
        errors: ['suppression.not_found'],
      }),
    },
    async (request) => {
      const found = await store.suppressions.get(request.workspace.id, request.params.id);
      if (found === null) throw notFound('suppression', request.params.id);
      return suppressionJson(found);
    },
  );

  app.delete(
    '/suppressions/:id',
    {
      schema: operation({
        operationId: 'deleteSuppression',
        tags: ['suppressions'],
        summary: 'Remove a phone from the suppression list',
        description: 'Only future messages are affected: skipped ones stay skipped.',
        params: IdParams,
        response: { 204: noContent('The phone may be messaged again') },
        errors: ['suppression.not_found'],
      }),
    },
    async (request, reply) => {
      if (!(await store.suppressions.remove(request.workspace.id, request.params.id))) {
        throw notFound('suppression', request.params.id);
      }
      return reply.code(204).send(null);
    },
  );
};
