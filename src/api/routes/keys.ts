import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKey } from '../../domain/api-key.ts';
import { createApiKey, type KeyDeps, revokeApiKey } from '../../engine/api-keys.ts';
import { addExamples, IdParams, Nullable, Timestamp, toIso } from '../common-schemas.ts';
import { exampleIds } from '../example-ids.ts';
import { noContent, operation, reply } from '../operation.ts';

const KeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to tell keys apart' }),
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});

const keyExample = {
  id: exampleIds.key,
  name: 'default',
  prefix: 'kur_7QhVx2Lm',
  createdAt: '2026-03-02T09:32:14.608Z',
  lastUsedAt: '2026-03-09T07:58:02.341Z',
  revokedAt: null,
};
const ciKeyExample = {
  id: exampleIds.ciKey,
  name: 'ci',
  prefix: 'kur_gcZyq0HI',
  createdAt: '2026-03-02T09:44:55.855Z',
  lastUsedAt: null,
  revokedAt: null,
};

function keyJson(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: toIso(k.createdAt),
    lastUsedAt: toIso(k.lastUsedAt),
    revokedAt: toIso(k.revokedAt),
  };
}

export const keyRoutes: FastifyPluginAsyncTypebox<KeyDeps> = async (app, deps) => {
  app.get(
    '/keys',
    {
      schema: operation({
        operationId: 'listKeys',
        tags: ['keys'],
        summary: "List this workspace's API keys (never their secrets)",
        response: {
          200: reply(
            'Every key, live and revoked, by its first characters',
            addExamples(Type.Object({ data: Type.Array(KeySchema) }), {
              data: [
                ciKeyExample,
                keyExample,
                {
                  ...keyExample,
                  id: 'key_01kjpxpz3jt9gfd6ab6mwyxf2s',
                  name: 'zapier',
                  prefix: 'kur_Qm3ZpW8d',
                  createdAt: '2026-03-02T09:22:48.434Z',
                  lastUsedAt: '2026-03-05T13:40:19.002Z',
                  revokedAt: '2026-03-06T08:15:00.517Z',
                },
              ],
            }),
          ),
        },
      }),
    },
    async (request) => ({ data: (await deps.store.apiKeys.list(request.workspace.id)).map(keyJson) }),
  );

  app.post(
    '/keys',
    {
      schema: operation({
        operationId: 'createKey',
        tags: ['keys'],
        summary: 'Create an API key; its secret is in this response only',
        body: addExamples(
          Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 100 }) },
            { additionalProperties: false },
          ),
          { name: 'ci' },
        ),
        response: {
          201: reply(
            'The new key with its `secret`: store it now, it is not shown again',
            addExamples(Type.Object({ ...KeySchema.properties, secret: Type.String() }), {
              ...ciKeyExample,
              secret: 'kur_gcZyq0HInEbnKmVTGymyZIRwLkglkoexf1JI4cyQ',
            }),
          ),
        },
      }),
    },
    async (request, reply) => {
      const { key, secret } = await createApiKey(deps, request.workspace.id, request.body.name.trim());
      return reply.code(201).send({ ...keyJson(key), secret });
    },
  );

  app.delete(
    '/keys/:id',
    {
      schema: operation({
        operationId: 'revokeKey',
        tags: ['keys'],
        summary: 'Revoke an API key',
        description: "A workspace's last live key cannot be revoked: create another first.",
        params: IdParams,
        response: { 204: noContent('The key no longer works') },
        errors: ['key.not_found', 'key.last_key'],
      }),
    },
    async (request, reply) => {
      await revokeApiKey(deps, request.workspace.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
