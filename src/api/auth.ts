import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKey } from '../domain/api-key.ts';
import { hashApiKey, looksLikeApiKey } from '../domain/api-key.ts';
import type { Clock } from '../domain/clock.ts';
import { KurirError } from '../domain/errors.ts';
import type { Workspace } from '../domain/workspace.ts';
import type { Store } from '../store/store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The workspace of the key that signed this request; every query is scoped to it. */
    workspace: Workspace;
    apiKey: ApiKey;
  }
}

// Writing last-used on every request would turn every read into a write; a minute is
// precise enough to tell which keys are still in use.
const TOUCH_INTERVAL_MS = 60_000;

function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1]) return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  return null;
}

/**
 * Requires an API key on every route of the scope it is registered in and binds the
 * request to that key's workspace.
 */
export function requireApiKey(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  app.decorateRequest('workspace', null as unknown as Workspace);
  app.decorateRequest('apiKey', null as unknown as ApiKey);
  app.addHook('onRequest', async (request) => {
    const secret = presentedKey(request);
    if (secret === null) {
      throw new KurirError(
        'auth.missing_key',
        'Send an API key as `Authorization: Bearer <key>` or `X-API-Key`',
      );
    }
    const found = looksLikeApiKey(secret) ? await deps.store.apiKeys.authenticate(hashApiKey(secret)) : null;
    if (found === null) throw new KurirError('auth.invalid_key', 'The API key is unknown or revoked');
    request.workspace = found.workspace;
    request.apiKey = found.key;
    const now = deps.clock.now();
    if (found.key.lastUsedAt === null || now - found.key.lastUsedAt > TOUCH_INTERVAL_MS) {
      await deps.store.apiKeys.touch(found.key.id, now);
    }
  });
}
