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
  IdParams,
  Nullable,
  oneOf,
  PageQuery,
  pageBody,
  pageOf,
  pageRequest,
  problems,
  streamed,
  Timestamp,
  toIso,
} from '../common-schemas.ts';
import { sendCsv } from '../csv-reply.ts';

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

function suppressionJson(s: Suppression) {
  return { id: s.id, phone: s.phone, reason: s.reason, note: s.note, createdAt: toIso(s.createdAt) };
}

export const suppressionRoutes: FastifyPluginAsyncTypebox<SuppressionRoutesOptions> = async (
  app,
  { store, clock, newId },
) => {
  const ref = Type.Unsafe({ $ref: 'Suppression#' });

  app.post(
    '/suppressions',
    {
      schema: {
        tags: ['suppressions'],
        summary: 'Suppress a phone: it will never be messaged',
        body: Type.Object(
          {
            phone: Type.String({ minLength: 1, maxLength: 64 }),
            reason: Type.Optional(Reason),
            note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
          },
          { additionalProperties: false },
        ),
        response: { 201: ref, ...problems(400, 401, 409, 422) },
      },
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
      schema: {
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
        response: { 200: pageOf(ref, 'Suppression'), ...problems(400, 401) },
      },
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
      schema: {
        tags: ['suppressions'],
        summary: 'Export the suppression list as CSV',
        produces: ['text/csv'],
        response: { 200: streamed('CSV'), ...problems(401) },
      },
    },
    async (request, reply) =>
      sendCsv(reply, 'suppressions.csv', suppressionsCsv(store.suppressions.stream(request.workspace.id))),
  );

  app.get(
    '/suppressions/:id',
    {
      schema: {
        tags: ['suppressions'],
        summary: 'Get a suppression',
        params: IdParams,
        response: { 200: ref, ...problems(400, 401, 404) },
      },
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
      schema: {
        tags: ['suppressions'],
        summary: 'Remove a phone from the suppression list',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      if (!(await store.suppressions.remove(request.workspace.id, request.params.id))) {
        throw notFound('suppression', request.params.id);
      }
      return reply.code(204).send(null);
    },
  );
};
