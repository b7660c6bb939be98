import type { Sender } from '../domain/sender.ts';
import type { Workspace } from '../domain/workspace.ts';
import { createApiKey, type KeyDeps } from './api-keys.ts';
import { addDemoSender } from './demo-sender.ts';

export interface NewWorkspace {
  name: string;
  /** Country used to read phone numbers without a country code. */
  defaultCountry: string | null;
  /** Whether the server runs the built-in simulator: then the workspace gets a demo sender. */
  simulator: boolean;
}

/**
 * Everything a new workspace starts with: its row, its first API key (named `default`)
 * and, when the built-in simulator runs, a demo sender on it with a number of its own.
 * Every place that makes a workspace goes through here, so each gets the same. Call it
 * with a store in a transaction: a workspace is created whole or not at all.
 */
export async function createWorkspace(
  deps: KeyDeps,
  input: NewWorkspace,
): Promise<{ workspace: Workspace; secret: string; demoSender: Sender | null }> {
  const workspace = await deps.store.workspaces.create({
    id: deps.newId('ws'),
    name: input.name,
    defaultCountry: input.defaultCountry,
    createdAt: deps.clock.now(),
  });
  const { secret } = await createApiKey(deps, workspace.id, 'default');
  const demoSender = input.simulator ? await addDemoSender(deps, workspace.id) : null;
  return { workspace, secret, demoSender };
}

/**
 * First start: makes the default workspace (with its key and, with the simulator, its
 * demo sender) when the store has none. Returns the new key's secret, or null when the
 * store was already set up.
 */
export async function ensureDefaultWorkspace(
  deps: KeyDeps,
  defaultCountry: string | null,
  options: { simulator: boolean } = { simulator: false },
): Promise<{ workspace: Workspace; secret: string | null }> {
  return deps.store.transaction(async (tx) => {
    const existing = await tx.workspaces.list();
    if (existing[0] !== undefined) return { workspace: existing[0], secret: null };
    const made = await createWorkspace(
      { ...deps, store: tx },
      { name: 'Default', defaultCountry, simulator: options.simulator },
    );
    return { workspace: made.workspace, secret: made.secret };
  });
}
