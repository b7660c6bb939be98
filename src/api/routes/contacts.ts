import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { type Contact, type ContactFilter, MAX_FIELD_FILTERS } from '../../domain/contact.ts';
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
import { addExamples, IdParams, pageBody, pageRequest, toIso } from '../common-schemas.ts';
import { sendCsv } from '../csv-reply.ts';
import { noContent, operation, reply, text } from '../operation.ts';
import {
  BulkDeleteBody,
  ContactCreate,
  ContactExportQuery,
  ContactListQuery,
  ContactPage,
  ContactPatchBody,
  ContactSchema,
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

/**
 * Reads `q`, `tag`, `status` and `field.<key>` from a query string. The schema cannot count
 * the `field.` parameters (they match a pattern), so their limit is checked here.
 */
function filterFromQuery(query: Record<string, unknown>): ContactFilter {
  const filter: ContactFilter = {};
  if (typeof query.q === 'string') filter.q = query.q;
  if (Array.isArray(query.tag)) filter.tags = readTags(query.tag as string[]) ?? [];
  if (Array.isArray(query.status)) filter.status = (query.status as string[]).map((s) => readStatus(s) ?? '');
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('field.') && typeof value === 'string') fields[key.slice('field.'.length)] = value;
  }
  const count = Object.keys(fields).length;
  if (count > MAX_FIELD_FILTERS) {
    throw new KurirError('request.invalid', `At most ${MAX_FIELD_FILTERS} custom-field filters per request`, {
      errors: [
        {
          parameter: 'field.<key>',
          detail: `is given ${count} times; at most ${MAX_FIELD_FILTERS} field filters per request`,
        },
      ],
    });
  }
  if (count > 0) filter.fields = fields;
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
      schema: operation({
        operationId: 'createContact',
        tags: ['contacts'],
        summary: 'Create a contact',
        description:
          "A phone without a country code is read in the workspace's default country and stored as E.164.",
        body: ContactCreate,
        response: { 201: reply('The new contact', ContactSchema) },
        errors: ['contact.invalid_phone', 'contact.duplicate_phone'],
      }),
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
      schema: operation({
        operationId: 'listContacts',
        tags: ['contacts'],
        summary: 'List and search contacts, newest first',
        description:
          'Every filter narrows: `q` (part of the name or phone), any of the `tag`s, one of the `status`es, and ' +
          '`field.<key>=value` for custom-field equality (`field.city=Berlin`).',
        querystring: ContactListQuery,
        response: { 200: reply('A page of contacts', ContactPage) },
      }),
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
      schema: operation({
        operationId: 'exportContacts',
        tags: ['contacts'],
        summary: 'Export contacts as CSV (same filters as the list)',
        querystring: ContactExportQuery,
        response: {
          200: text(
            "The contacts as CSV, one column per custom field; cells a spreadsheet would run as a formula start with `'`",
            'text/csv',
            'phone,name,status,tags,consent_at,consent_source,created_at,city,plan\n' +
              '+4915112345678,Ana Lima,customer,vip;newsletter,2026-03-02T09:59:43.632Z,checkout form,2026-03-02T09:59:43.632Z,Berlin,pro\n' +
              '+5511987654321,João Silva,lead,vip,,,2026-03-02T10:01:12.656Z,São Paulo,\n' +
              '+6281234567890,Putri Wijaya,,,,,2026-03-02T10:13:44.592Z,Jakarta,\n',
          ),
        },
      }),
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
      schema: operation({
        operationId: 'getContact',
        tags: ['contacts'],
        summary: 'Get a contact',
        params: IdParams,
        response: { 200: reply('The contact', ContactSchema) },
        errors: ['contact.not_found'],
      }),
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
      schema: operation({
        operationId: 'updateContact',
        tags: ['contacts'],
        summary: 'Update a contact',
        description:
          '`fields` merge into the stored ones (null removes a field); `tags` replaces, `addTags`/`removeTags` edit.',
        params: IdParams,
        body: ContactPatchBody,
        response: { 200: reply('The contact as it is now', ContactSchema) },
        errors: ['contact.not_found', 'contact.invalid_phone', 'contact.duplicate_phone'],
      }),
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
      schema: operation({
        operationId: 'deleteContact',
        tags: ['contacts'],
        summary: 'Delete a contact',
        description:
          'Messages already sent to the contact keep their phone. A suppression of the phone stays.',
        params: IdParams,
        response: { 204: noContent('The contact is deleted') },
        errors: ['contact.not_found'],
      }),
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
      schema: operation({
        operationId: 'bulkDeleteContacts',
        tags: ['contacts'],
        summary: 'Delete many contacts by id or by filter',
        description:
          'A filter must narrow the selection: an empty one would delete every contact and is refused.',
        body: BulkDeleteBody,
        response: {
          200: reply(
            'How many contacts were deleted',
            addExamples(Type.Object({ deleted: Type.Integer({ minimum: 0 }) }), { deleted: 2 }),
          ),
        },
      }),
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
