import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSenderPhone } from '../../src/domain/demo-sender-phone.ts';
import { newId } from '../../src/domain/id.ts';
import { newSender } from '../../src/domain/sender.ts';
import { createWorkspace, ensureDefaultWorkspace } from '../../src/engine/create-workspace.ts';
import { addDemoSender } from '../../src/engine/demo-sender.ts';
import type { Store } from '../../src/store/store.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { backends, openTestStore } from '../support/stores.ts';

const DEMO_RANGE = /^\+155501\d{5}$/;

function deps(store: Store) {
  const clock = new ManualClock();
  const random = new SeededRandom(7);
  return { store, clock, random, newId: (prefix: string) => newId(prefix, clock.now(), random) };
}

for (const backend of backends) {
  test(`${backend}: each workspace's demo sender gets a number of its own in the fictional range`, async () => {
    await using store = await openTestStore(backend);
    const d = deps(store);
    const phones: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      const ws = await store.workspaces.create({
        id: d.newId('ws'),
        name,
        defaultCountry: null,
        createdAt: d.clock.now(),
      });
      const sender = await addDemoSender(d, ws.id);
      assert.equal(sender.driver, 'simulator');
      assert.equal(sender.config.autoPair, true);
      phones.push(sender.config.phone as string);
    }
    for (const phone of phones) assert.match(phone, DEMO_RANGE);
    assert.equal(new Set(phones).size, 3, `shared numbers: ${phones.join(', ')}`);
  });

  test(`${backend}: a demo number another sender has, connected or not yet, is passed over`, async () => {
    await using store = await openTestStore(backend);
    const d = deps(store);
    const other = await store.workspaces.create({
      id: 'ws_other',
      name: 'Other',
      defaultCountry: null,
      createdAt: 0,
    });
    const wsId = 'ws_01jz5demo';
    // One sender holds the first choice in its config only (it never connected), another
    // reported the second choice as its number.
    await store.senders.create(
      newSender({
        id: 'snd_a',
        workspaceId: other.id,
        name: 'never connected',
        driver: 'simulator',
        config: { phone: demoSenderPhone(wsId, 0) },
        now: 0,
      }),
    );
    await store.senders.create({
      ...newSender({
        id: 'snd_b',
        workspaceId: other.id,
        name: 'linked',
        driver: 'baileys',
        config: {},
        now: 0,
      }),
      phone: demoSenderPhone(wsId, 1),
    });
    const made = await store.transaction((tx) =>
      createWorkspace(
        { ...d, store: tx, newId: (prefix) => (prefix === 'ws' ? wsId : d.newId(prefix)) },
        { name: 'New', defaultCountry: 'BR', simulator: true },
      ),
    );
    assert.equal(made.workspace.id, wsId);
    assert.equal(made.demoSender?.config.phone, demoSenderPhone(wsId, 2));
    assert.deepEqual(
      (await store.senders.list(wsId)).map((s) => [s.name, s.config.phone]),
      [['Simulator', demoSenderPhone(wsId, 2)]],
    );
  });

  test(`${backend}: a workspace made without the simulator has no sender, and the default one is made once`, async () => {
    await using store = await openTestStore(backend);
    const d = deps(store);
    const made = await store.transaction((tx) =>
      createWorkspace({ ...d, store: tx }, { name: 'Plain', defaultCountry: null, simulator: false }),
    );
    assert.equal(made.demoSender, null);
    assert.deepEqual(await store.senders.list(made.workspace.id), []);
    assert.match(made.secret, /^kur_/);

    await using fresh = await openTestStore(backend);
    const f = deps(fresh);
    const first = await ensureDefaultWorkspace(f, 'DE', { simulator: true });
    assert.match(first.secret ?? '', /^kur_/);
    const again = await ensureDefaultWorkspace(f, 'DE', { simulator: true });
    assert.equal(again.secret, null);
    assert.equal(again.workspace.id, first.workspace.id);
    const senders = await fresh.senders.list(first.workspace.id);
    assert.deepEqual(
      senders.map((s) => s.name),
      ['Simulator'],
    );
    assert.match(senders[0]?.config.phone as string, DEMO_RANGE);
  });
}
