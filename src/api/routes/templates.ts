import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { Clock } from '../../domain/clock.ts';
import { type FieldError, KurirError, notFound } from '../../domain/errors.ts';
import type { IdFactory } from '../../domain/id.ts';
import { parseTemplate } from '../../domain/template/parse-template.ts';
import { renderMessage } from '../../domain/template/render-message.ts';
import { isBuiltinVariable } from '../../domain/template/template-node.ts';
import { templateVariables } from '../../domain/template/template-variables.ts';
import { validateTemplate } from '../../domain/template/validate-template.ts';
import {
  type Attachment,
  attachmentTypes,
  MAX_ATTACHMENTS,
  MAX_VARIANTS,
  type Template,
  type WhatsappTemplate,
} from '../../domain/template.ts';
import type { Store } from '../../store/store.ts';
import {
  addExamples,
  addNamedExamples,
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
import { exampleIds } from '../example-ids.ts';
import { noContent, operation, reply } from '../operation.ts';
import { Fields } from './contact-schemas.ts';

export interface TemplateRoutesOptions {
  store: Store;
  clock: Clock;
  newId: IdFactory;
}

const AttachmentSchema = Type.Object(
  {
    type: oneOf(attachmentTypes),
    url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://', description: 'http(s) URL' })),
    fileId: Type.Optional(Type.String({ maxLength: 48, description: 'Id of a file uploaded to /v1/files' })),
    caption: Type.Optional(Type.String({ maxLength: 1024, description: 'May use template variables' })),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false, title: 'Attachment' },
);

const Variant = Type.String({ minLength: 1, maxLength: 4096 });

const WhatsappTemplateSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 512,
      pattern: '^[a-z0-9_]+$',
      description: 'As approved in Meta’s manager',
    }),
    language: Type.String({
      minLength: 2,
      maxLength: 10,
      pattern: '^[a-z]{2,3}(_[A-Z]{2})?$',
      description: 'e.g. en_US, de',
    }),
    bodyParameters: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
        maxItems: 20,
        description: 'The body’s {{1}}, {{2}}… in order, as Kurir template texts (`{{firstName|there}}`)',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'An approved WhatsApp Business template: what Cloud API senders send (required for them)',
  },
);

const TemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    whatsappTemplate: Type.Optional(Nullable(WhatsappTemplateSchema)),
    variants: Type.Array(Variant, {
      minItems: 1,
      maxItems: MAX_VARIANTS,
      description: 'Alternative texts; each recipient gets one. `{{var|default}}`, spintax `{a|b}`',
    }),
    attachments: Type.Optional(Type.Array(AttachmentSchema, { maxItems: MAX_ATTACHMENTS })),
  },
  { additionalProperties: false },
);
addNamedExamples(TemplateBody, {
  variants: {
    summary: 'Two variants with spintax, defaults and an image',
    value: {
      name: 'Spring sale',
      variants: [
        '{Hi|Hello} {{firstName|there}}, our spring sale in {{city|your city}} starts today: 20% off everything until Sunday!',
        '{{firstName|Hey}}, spring is here: *20% off* in every shop until Sunday. Reply STOP to opt out.',
      ],
      attachments: [{ type: 'image', fileId: exampleIds.file, caption: 'Spring sale, {{city|all shops}}' }],
    },
  },
  cloudApi: {
    summary: 'For Cloud API senders: the approved WhatsApp template to send',
    value: {
      name: 'Spring sale (Cloud API)',
      variants: ['Hi {{firstName|there}}, our spring sale starts today!'],
      whatsappTemplate: { name: 'spring_sale', language: 'en_US', bodyParameters: ['{{firstName|there}}'] },
    },
  },
});

const TemplatePatch = Type.Object(
  {
    name: Type.Optional(TemplateBody.properties.name),
    whatsappTemplate: Type.Optional(Nullable(WhatsappTemplateSchema)),
    variants: Type.Optional(TemplateBody.properties.variants),
    attachments: Type.Optional(Type.Array(AttachmentSchema, { maxItems: MAX_ATTACHMENTS })),
  },
  { additionalProperties: false, minProperties: 1 },
);
addExamples(TemplatePatch, {
  variants: [
    '{Hi|Hello|Hey} {{firstName|there}}, the spring sale ends {tonight|at midnight}: 20% off everything!',
  ],
});

export const TemplateSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    variants: Type.Array(Type.String()),
    attachments: Type.Array(AttachmentSchema),
    whatsappTemplate: Nullable(WhatsappTemplateSchema),
    variables: Type.Array(Type.String(), { description: 'Variables the texts and captions use' }),
    warnings: Type.Array(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Template', title: 'Template' },
);
addExamples(TemplateSchema, {
  id: exampleIds.template,
  name: 'Spring sale',
  variants: [
    '{Hi|Hello} {{firstName|there}}, our spring sale in {{city|your city}} starts today: 20% off everything until Sunday!',
    '{{firstName|Hey}}, spring is here: *20% off* in every shop until Sunday. Reply STOP to opt out.',
  ],
  attachments: [{ type: 'image', fileId: exampleIds.file, caption: 'Spring sale, {{city|all shops}}' }],
  whatsappTemplate: null,
  variables: ['firstName', 'city'],
  warnings: [],
  createdAt: '2026-03-02T10:18:41.673Z',
  updatedAt: '2026-03-02T10:18:41.673Z',
});

const PreviewBody = Type.Object(
  {
    contactId: Type.Optional(Type.String({ maxLength: 48 })),
    contact: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
          phone: Type.Optional(Type.String({ maxLength: 32 })),
          status: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
          fields: Type.Optional(Fields),
        },
        { additionalProperties: false },
      ),
    ),
    seed: Type.Optional(
      Type.String({ maxLength: 200, description: 'Same seed, same text; defaults per contact' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
addNamedExamples(PreviewBody, {
  stored: { summary: 'For a stored contact', value: { contactId: exampleIds.contactAna } },
  inline: {
    summary: 'For a contact given inline, with a seed to try another variant',
    value: {
      contact: { name: 'Putri Wijaya', phone: '+6281234567890', fields: { city: 'Jakarta' } },
      seed: 'try-3',
    },
  },
});

const PreviewSchema = Type.Object({
  seed: Type.String(),
  variantIndex: Type.Integer(),
  text: Type.String(),
  attachments: Type.Array(AttachmentSchema),
  whatsappTemplate: Nullable(
    Type.Object({ name: Type.String(), language: Type.String(), parameters: Type.Array(Type.String()) }),
  ),
});
addExamples(PreviewSchema, {
  seed: `preview:${exampleIds.contactAna}`,
  variantIndex: 0,
  text: 'Hello Ana, our spring sale in Berlin starts today: 20% off everything until Sunday!',
  attachments: [{ type: 'image', fileId: exampleIds.file, caption: 'Spring sale, Berlin' }],
  whatsappTemplate: null,
});

function captionsOf(attachments: readonly Attachment[]): (string | undefined)[] {
  return attachments.map((a) => a.caption);
}

function cleanAttachments(input: Static<typeof AttachmentSchema>[] | undefined): Attachment[] {
  return (input ?? []).map((a) => {
    const out: Attachment = { type: a.type };
    if (a.url !== undefined) out.url = a.url;
    if (a.fileId !== undefined) out.fileId = a.fileId;
    if (a.caption !== undefined) out.caption = a.caption;
    if (a.fileName !== undefined) out.fileName = a.fileName;
    return out;
  });
}

export const templateRoutes: FastifyPluginAsyncTypebox<TemplateRoutesOptions> = async (
  app,
  { store, clock, newId },
) => {
  /** Parses every text and checks each attachment's source; returns variables and warnings. */
  async function check(
    workspaceId: string,
    variants: string[],
    attachments: Attachment[],
    wa: WhatsappTemplate | null,
  ) {
    const problems: FieldError[] = [];
    for (const [i, a] of attachments.entries()) {
      if ((a.url === undefined) === (a.fileId === undefined)) {
        problems.push({ pointer: `/attachments/${i}`, detail: 'needs exactly one of url or fileId' });
      } else if (a.fileId !== undefined && (await store.files.get(workspaceId, a.fileId)) === null) {
        problems.push({ pointer: `/attachments/${i}/fileId`, detail: 'is not a file of this workspace' });
      }
    }
    if (problems.length > 0) {
      throw new KurirError('template.invalid', 'Some attachments are not usable', { errors: problems });
    }
    const known = new Set(await store.contacts.fieldKeys(workspaceId));
    const result = validateTemplate({ variants, captions: captionsOf(attachments) }, known);
    if (wa !== null && wa.bodyParameters.length > 0) {
      // Parameters are template texts too; their problems point at the parameter.
      try {
        const params = validateTemplate({ variants: wa.bodyParameters, captions: [] }, known);
        result.warnings.push(...params.warnings);
      } catch (error) {
        if (error instanceof KurirError && error.errors) {
          throw new KurirError(error.code, error.detail, {
            errors: error.errors.map((e) => ({
              ...e,
              ...(e.pointer
                ? { pointer: e.pointer.replace(/^\/variants/, '/whatsappTemplate/bodyParameters') }
                : {}),
            })),
          });
        }
        throw error;
      }
    }
    return result;
  }

  const whatsappOf = (
    input: Static<typeof WhatsappTemplateSchema> | null | undefined,
  ): WhatsappTemplate | null =>
    input === undefined || input === null
      ? null
      : { name: input.name, language: input.language, bodyParameters: input.bodyParameters ?? [] };

  function templateJson(t: Template, warnings: string[] = []) {
    const variables = new Set<string>();
    for (const text of [...t.variants, ...t.attachments.flatMap((a) => (a.caption ? [a.caption] : []))]) {
      const parsed = parseTemplate(text);
      if (!parsed.ok) continue;
      for (const v of templateVariables(parsed.nodes)) {
        // A custom field named like a built-in keeps its prefix so the two stay apart.
        variables.add(v.field && isBuiltinVariable(v.name) ? `fields.${v.name}` : v.name);
      }
    }
    return {
      id: t.id,
      name: t.name,
      variants: t.variants,
      attachments: t.attachments,
      whatsappTemplate: t.whatsappTemplate ?? null,
      variables: [...variables],
      warnings,
      createdAt: toIso(t.createdAt),
      updatedAt: toIso(t.updatedAt),
    };
  }

  app.post(
    '/templates',
    {
      schema: operation({
        operationId: 'createTemplate',
        tags: ['templates'],
        summary: 'Create a template',
        description:
          'Every text is parsed on save: unbalanced braces are reported with line and column, and a variable ' +
          'no contact has is refused unless it has a default (then it comes back in `warnings`).',
        body: TemplateBody,
        response: { 201: reply('The new template, with the variables it uses', TemplateSchema) },
        errors: ['template.invalid', 'template.unknown_variable', 'template.duplicate_name'],
      }),
    },
    async (request, reply) => {
      const ws = request.workspace;
      const attachments = cleanAttachments(request.body.attachments);
      const whatsappTemplate = whatsappOf(request.body.whatsappTemplate);
      const { warnings } = await check(ws.id, request.body.variants, attachments, whatsappTemplate);
      const now = clock.now();
      const created = await store.templates.create({
        id: newId('tpl'),
        workspaceId: ws.id,
        name: request.body.name.trim(),
        variants: request.body.variants,
        attachments,
        whatsappTemplate,
        createdAt: now,
        updatedAt: now,
      });
      return reply.code(201).send(templateJson(created, warnings));
    },
  );

  app.get(
    '/templates',
    {
      schema: operation({
        operationId: 'listTemplates',
        tags: ['templates'],
        summary: 'List templates, newest first',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: reply('A page of templates', pageOf(TemplateSchema, 'Template')) },
      }),
    },
    async (request) => {
      const page = await store.templates.list(request.workspace.id, pageRequest(request.query));
      return pageBody(
        page.items.map((t) => templateJson(t)),
        page,
      );
    },
  );

  app.get(
    '/templates/:id',
    {
      schema: operation({
        operationId: 'getTemplate',
        tags: ['templates'],
        summary: 'Get a template',
        params: IdParams,
        response: { 200: reply('The template', TemplateSchema) },
        errors: ['template.not_found'],
      }),
    },
    async (request) => {
      const t = await store.templates.get(request.workspace.id, request.params.id);
      if (t === null) throw notFound('template', request.params.id);
      return templateJson(t);
    },
  );

  app.patch(
    '/templates/:id',
    {
      schema: operation({
        operationId: 'updateTemplate',
        tags: ['templates'],
        summary: 'Change a template',
        description: 'Campaigns already started keep the texts they started with.',
        params: IdParams,
        body: TemplatePatch,
        response: { 200: reply('The template as it is now', TemplateSchema) },
        errors: [
          'template.not_found',
          'template.invalid',
          'template.unknown_variable',
          'template.duplicate_name',
        ],
      }),
    },
    async (request) => {
      const ws = request.workspace;
      const stored = await store.templates.get(ws.id, request.params.id);
      if (stored === null) throw notFound('template', request.params.id);
      const next: Template = {
        ...stored,
        name: request.body.name?.trim() ?? stored.name,
        variants: request.body.variants ?? stored.variants,
        attachments: request.body.attachments
          ? cleanAttachments(request.body.attachments)
          : stored.attachments,
        whatsappTemplate:
          request.body.whatsappTemplate === undefined
            ? (stored.whatsappTemplate ?? null)
            : whatsappOf(request.body.whatsappTemplate),
        updatedAt: clock.now(),
      };
      const { warnings } = await check(ws.id, next.variants, next.attachments, next.whatsappTemplate ?? null);
      const saved = await store.templates.replace(next);
      if (saved === null) throw notFound('template', request.params.id);
      return templateJson(saved, warnings);
    },
  );

  app.delete(
    '/templates/:id',
    {
      schema: operation({
        operationId: 'deleteTemplate',
        tags: ['templates'],
        summary: 'Delete a template',
        params: IdParams,
        response: { 204: noContent('The template is deleted') },
        errors: ['template.not_found'],
      }),
    },
    async (request, reply) => {
      if (!(await store.templates.delete(request.workspace.id, request.params.id)))
        throw notFound('template', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/templates/:id/preview',
    {
      schema: operation({
        operationId: 'previewTemplate',
        tags: ['templates'],
        summary: 'Render a template for a contact',
        description:
          'Give a stored `contactId` or an inline `contact`. The same seed always renders the same text.',
        params: IdParams,
        body: PreviewBody,
        response: { 200: reply('The text and attachments the contact would get', PreviewSchema) },
        errors: ['template.not_found', 'contact.not_found'],
      }),
    },
    async (request) => {
      const ws = request.workspace;
      const template = await store.templates.get(ws.id, request.params.id);
      if (template === null) throw notFound('template', request.params.id);
      const { contactId, contact: inline, seed } = request.body;
      let contact = {
        name: inline?.name ?? null,
        phone: inline?.phone ?? '',
        status: inline?.status ?? null,
        fields: (inline?.fields ?? {}) as Record<string, unknown>,
      };
      if (contactId !== undefined) {
        const stored = await store.contacts.get(ws.id, contactId);
        if (stored === null) throw notFound('contact', contactId);
        contact = { name: stored.name, phone: stored.phone, status: stored.status, fields: stored.fields };
      }
      const usedSeed = seed ?? `preview:${contactId ?? contact.phone}`;
      return { seed: usedSeed, ...renderMessage(template, contact, usedSeed) };
    },
  );
};
