import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { KurirError } from '../../domain/errors.ts';
import { isCountryCode } from '../../domain/phone.ts';
import type { Workspace } from '../../domain/workspace.ts';
import type { Store } from '../../store/store.ts';
import { addExamples, Nullable, Timestamp, toIso } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { operation, reply } from '../operation.ts';

const WorkspaceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  defaultCountry: Nullable(Type.String({ description: 'ISO 3166 alpha-2; reads national phone numbers' })),
  createdAt: Timestamp,
});
addExamples(WorkspaceSchema, {
  id: exampleIds.workspace,
  name: 'Lima & Berg Coffee',
  defaultCountry: 'DE',
  createdAt: '2026-03-02T09:21:55.986Z',
});

function workspaceJson(w: Workspace) {
  return { id: w.id, name: w.name, defaultCountry: w.defaultCountry, createdAt: toIso(w.createdAt) };
}

export const workspaceRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/workspace',
    {
      schema: operation({
        operationId: 'getWorkspace',
        tags: ['workspace'],
        summary: 'The workspace of the API key',
        response: { 200: reply('The workspace', WorkspaceSchema) },
      }),
    },
    async (request) => workspaceJson(request.workspace),
  );

  app.patch(
    '/workspace',
    {
      schema: operation({
        operationId: 'updateWorkspace',
        tags: ['workspace'],
        summary: 'Rename the workspace or set its default country',
        description:
          'Phone numbers given without a country code (`0151 12345678`) are read in `defaultCountry`; null means ' +
          'every number must be international.',
        body: addExamples(
          Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              defaultCountry: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 2 }))),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          { name: 'Lima & Berg Coffee', defaultCountry: 'DE' },
        ),
        response: { 200: reply('The workspace as it is now', WorkspaceSchema) },
        errors: ['workspace.invalid_country', 'workspace.not_found'],
      }),
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
