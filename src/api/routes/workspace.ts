import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { KurirError } from '../../domain/errors.ts';
import { isCountryCode } from '../../domain/phone.ts';
import type { Workspace } from '../../domain/workspace.ts';
import type { Store } from '../../store/store.ts';
import { Nullable, problems, Timestamp, toIso } from '../common-schemas.ts';

const WorkspaceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  defaultCountry: Nullable(Type.String({ description: 'ISO 3166 alpha-2; reads national phone numbers' })),
  createdAt: Timestamp,
});

function workspaceJson(w: Workspace) {
  return { id: w.id, name: w.name, defaultCountry: w.defaultCountry, createdAt: toIso(w.createdAt) };
}

export const workspaceRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/workspace',
    {
      schema: {
        tags: ['workspace'],
        summary: 'The workspace of the API key',
        response: { 200: WorkspaceSchema, ...problems(401) },
      },
    },
    async (request) => workspaceJson(request.workspace),
  );

  app.patch(
    '/workspace',
    {
      schema: {
        tags: ['workspace'],
        summary: 'Rename the workspace or set its default country',
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            defaultCountry: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 2 }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: WorkspaceSchema, ...problems(400, 401, 422) },
      },
    },
    async (request) => {
      const { name, defaultCountry } = request.body;
      const country = typeof defaultCountry === 'string' ? defaultCountry.toUpperCase() : defaultCountry;
      if (typeof country === 'string' && !isCountryCode(country)) {
        throw new KurirError('workspace.invalid_country', `${defaultCountry} is not a country code`, {
          errors: [{ pointer: '/defaultCountry', detail: 'must be an ISO 3166 alpha-2 code such as DE' }],
        });
      }
      const updated = await store.workspaces.update(request.workspace.id, {
        ...(name === undefined ? {} : { name: name.trim() }),
        ...(country === undefined ? {} : { defaultCountry: country }),
      });
      if (updated === null) throw new KurirError('workspace.not_found', 'The workspace no longer exists');
      return workspaceJson(updated);
    },
  );
};
