import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import type { Contact, ContactFilter } from '../../domain/contact.ts';
import {
  mergeFields,
  readConsent,
  readName,
  readStatus,
  readTags,
  requirePhone,
} from '../../domain/contact-input.ts';
import { KurirError, notFound } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import { contactsCsv } from '../../engine/contact-export.ts';
import type { ContactPatch } from '../../store/contacts.ts';
import type { Store } from '../../store/store.ts';
import { IdParams, pageBody, pageRequest, problems, streamed, toIso } from '../common-schemas.ts';
import { sendCsv } from '../csv-reply.ts';
import {
  BulkDeleteBody,
  ContactCreate,
  ContactExportQuery,
  ContactListQuery,
  ContactPage,
  ContactPatchBody,
} from './contact-schemas.ts';

export interface ContactRoutesOptions {
  store: Store;
  clock: Clock;
  newId: IdFactory;
}

function contactJson(contact: Contact, suppressed: boolean) {
  return {
    id: contact.id,
    phone: contact.phone,
    name: contact.name,
    fields: contact.fields,
    tags: contact.tags,
    status: contact.status,
    consent:
      contact.consent === null
        ? null
        : { optedInAt: toIso(contact.consent.optedInAt), source: contact.consent.source },
    suppressed,
    createdAt: toIso(contact.createdAt),
    updatedAt: toIso(contact.updatedAt),
  };
}

/** Reads `q`, `tag`, `status` and `field.<key>` from a query string. */
function filterFromQuery(query: Record<string, unknown>): ContactFilter {
  const filter: ContactFilter = {};
  if (typeof query.q === 'string') filter.q = query.q;
  if (Array.isArray(query.tag)) filter.tags = readTags(query.tag as string[]) ?? [];
  if (Array.isArray(query.status)) filter.status = (query.status as string[]).map((s) => readStatus(s) ?? '');
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('field.') && typeof value === 'string') fields[key.slice('field.'.length)] = value;
  }
  if (Object.keys(fields).length > 0) filter.fields = fields;
  return filter;
}

export const contactRoutes: FastifyPluginAsyncTypebox<ContactRoutesOptions> = async (
  app,
  { store, clock, newId },
) => {
  const withSuppression = async (workspaceId: string, contacts: Contact[]) => {
    const suppressed = await store.suppressions.suppressedAmong(
      workspaceId,
      contacts.map((c) => c.phone),
    );
    return contacts.map((c) => contactJson(c, suppressed.has(c.phone)));
  };

  app.post(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Create a contact',
        body: ContactCreate,
        response: { 201: Type.Unsafe({ $ref: 'Contact#' }), ...problems(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const ws = request.workspace;
      const now = clock.now();
      const body = request.body;
      const contact: Contact = {
        id: newId('ct'),
        workspaceId: ws.id,
        phone: requirePhone(body.phone, ws.defaultCountry),
        name: readName(body.name) ?? null,
        fields: body.fields ?? {},
        tags: readTags(body.tags) ?? [],
        status: readStatus(body.status) ?? null,
        consent: readConsent(body.consent, now) ?? null,
        createdAt: now,
        updatedAt: now,
      };
      const created = await store.transaction((tx) => tx.contacts.create(contact));
      const [json] = await withSuppression(ws.id, [created]);
      return reply.code(201).send(json);
    },
  );

  app.get(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'List and search contacts, newest first',
        querystring: ContactListQuery,
        response: { 200: ContactPage, ...problems(400, 401) },
      },
    },
    async (request) => {
      const page = await store.contacts.list(
        request.workspace.id,
        filterFromQuery(request.query),
        pageRequest(request.query),
      );
      return pageBody(await withSuppression(request.workspace.id, page.items), page);
    },
  );

  app.get(
    '/contacts/export',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Export contacts as CSV (same filters as the list)',
        querystring: ContactExportQuery,
        produces: ['text/csv'],
        response: { 200: streamed('CSV'), ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      const ws = request.workspace;
      const fieldKeys = await store.contacts.fieldKeys(ws.id);
      const csv = contactsCsv(store.contacts.stream(ws.id, filterFromQuery(request.query)), fieldKeys);
      return sendCsv(reply, 'contacts.csv', csv);
    },
  );

  app.get(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Get a contact',
        params: IdParams,
        response: { 200: Type.Unsafe({ $ref: 'Contact#' }), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const contact = await store.contacts.get(request.workspace.id, request.params.id);
      if (contact === null) throw notFound('contact', request.params.id);
      return (await withSuppression(request.workspace.id, [contact]))[0];
    },
  );

  app.patch(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Update a contact',
        description:
          '`fields` merge into the stored ones (null removes a field); `tags` replaces, `addTags`/`removeTags` edit.',
        params: IdParams,
        body: ContactPatchBody,
        response: { 200: Type.Unsafe({ $ref: 'Contact#' }), ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const ws = request.workspace;
      const body = request.body;
      const now = clock.now();
      const updated = await store.transaction(async (tx) => {
        const stored = await tx.contacts.get(ws.id, request.params.id);
        if (stored === null) throw notFound('contact', request.params.id);
        const patch: ContactPatch = {};
        if (body.phone !== undefined) patch.phone = requirePhone(body.phone, ws.defaultCountry);
        if (body.name !== undefined) patch.name = readName(body.name) ?? null;
        if (body.fields !== undefined) patch.fields = mergeFields(stored.fields, body.fields);
        if (body.status !== undefined) patch.status = readStatus(body.status) ?? null;
        if (body.consent !== undefined) patch.consent = readConsent(body.consent, now) ?? null;
        if (body.tags !== undefined || body.addTags !== undefined || body.removeTags !== undefined) {
          const removed = new Set(readTags(body.removeTags) ?? []);
          const base = readTags(body.tags) ?? stored.tags;
          patch.tags = [...new Set([...base, ...(readTags(body.addTags) ?? [])])].filter(
            (t) => !removed.has(t),
          );
        }
        return tx.contacts.update(ws.id, stored.id, patch, now);
      });
      if (updated === null) throw notFound('contact', request.params.id);
      return (await withSuppression(ws.id, [updated]))[0];
    },
  );

  app.delete(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Delete a contact',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const deleted = await store.contacts.delete(request.workspace.id, request.params.id);
      if (!deleted) throw notFound('contact', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/contacts/bulk-delete',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Delete many contacts by id or by filter',
        body: BulkDeleteBody,
        response: { 200: Type.Object({ deleted: Type.Integer() }), ...problems(400, 401) },
      },
    },
    async (request) => {
      const { ids, filter } = request.body;
      let selection: ContactFilter;
      if (ids !== undefined) {
        selection = { ids };
      } else {
        const f = filter ?? {};
        selection = {};
        if (f.q !== undefined) selection.q = f.q;
        if (f.tags !== undefined) selection.tags = readTags(f.tags) ?? [];
        if (f.status !== undefined) selection.status = f.status.map((s) => readStatus(s) ?? '');
        if (f.fields !== undefined) selection.fields = f.fields;
        if (Object.keys(selection).length === 0) {
          throw new KurirError('request.invalid', 'An empty filter would delete every contact', {
            errors: [
              {
                pointer: '/filter',
                detail: 'must narrow the selection; pass ids to delete specific contacts',
              },
            ],
          });
        }
      }
      const deleted = await store.contacts.deleteMatching(request.workspace.id, selection);
      return { deleted };
    },
  );
};
