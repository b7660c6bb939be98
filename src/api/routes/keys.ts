import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKey } from '../../domain/api-key.ts';
import { createApiKey, type KeyDeps, revokeApiKey } from '../../engine/api-keys.ts';
import { IdParams, Nullable, problems, Timestamp, toIso } from '../common-schemas.ts';

const KeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to tell keys apart' }),
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});

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
      schema: {
        tags: ['keys'],
        summary: "List this workspace's API keys (never their secrets)",
        response: { 200: Type.Object({ data: Type.Array(KeySchema) }), ...problems(401) },
      },
    },
    async (request) => ({ data: (await deps.store.apiKeys.list(request.workspace.id)).map(keyJson) }),
  );

  app.post(
    '/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; its secret is in this response only',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ ...KeySchema.properties, secret: Type.String() }),
          ...problems(400, 401),
        },
      },
    },
    async (request, reply) => {
      const { key, secret } = await createApiKey(deps, request.workspace.id, request.body.name.trim());
      return reply.code(201).send({ ...keyJson(key), secret });
    },
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      await revokeApiKey(deps, request.workspace.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
