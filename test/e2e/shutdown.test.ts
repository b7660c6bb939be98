import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { KurirProcess, SimulatorProcess } from '../support/kurir-process.ts';
import { type Started, startCommand } from '../support/processes.ts';
import { startCampaign, until } from '../support/running-campaign.ts';
import { tempDir } from '../support/stores.ts';

/**
 * How long a stop may take here before it counts as never: about a second on an idle
 * machine, much more on a busy one; without the fixes these processes never exit.
 */
const NEVER_MS = 30_000;

/** Resolves with `promise`, or fails naming `what` when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The pid a process under npm logs (JSON logs), to kill it should a test fail and leave it. */
async function loggedPid(p: Started): Promise<number> {
  const [, pid] = await p.waitFor(/"pid":(\d+)/);
  return Number(pid);
}

function killLeftover(pid: number | null): void {
  if (pid === null) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, as it should be.
  }
}

test('SIGTERM to npm start stops the server gracefully, and npm exits after it, leaving nothing running', {
  timeout: 120_000,
}, async () => {
  const dataDir = tempDir('kurir-stop');
  const npm = startCommand('npm', ['start'], {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  let server: number | null = null;
  try {
    const [, url] = await npm.waitFor(/listening on (http:\/\/\S+)/, 60_000);
    server = await loggedPid(npm);
    assert.equal((await fetch(`${url}/health`)).status, 200);

    npm.child.kill('SIGTERM');
    assert.equal(await within(npm.exited, NEVER_MS, 'npm start exiting'), 0, npm.output());
    // The server held the same output pipes: closed means it is gone too, not orphaned.
    await within(npm.closed, NEVER_MS, 'the server under npm exiting');
    assert.match(npm.output(), /"reason":"SIGTERM","msg":"stopped"/);
    await assert.rejects(fetch(`${url}/health`), 'nothing listens any more');
  } finally {
    npm.child.kill('SIGKILL');
    killLeftover(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('SIGTERM to npx kurir simulator stops the simulator within seconds', { timeout: 120_000 }, async () => {
  const npx = startCommand('npx', ['kurir', 'simulator', '--port', '0'], {});
  let simulator: number | null = null;
  try {
    const [, url] = await npx.waitFor(/Simulator listening on (http:\/\/\S+)/, 60_000);
    simulator = await loggedPid(npx);
    npx.child.kill('SIGTERM');
    await within(npx.closed, NEVER_MS, 'the simulator under npx exiting');
    assert.match(npx.output(), /"msg":"simulator stopped"/);
    await assert.rejects(fetch(`${url}/settings`), 'nothing listens any more');
  } finally {
    npx.child.kill('SIGKILL');
    killLeftover(simulator);
  }
});

test('SIGTERM during a campaign lets the sends under way settle, and a stop past its grace period exits anyway', {
  timeout: 180_000,
}, async () => {
  const dataDir = tempDir('kurir-stop');
  const simulator = new SimulatorProcess();
  const env = { DATA_DIR: dataDir, KURIR_SIMULATOR: 'off', LOG_LEVEL: 'info' };
  const kurir = new KurirProcess(env);
  const impatient = new KurirProcess({ ...env, KURIR_SHUTDOWN_GRACE_MS: '1000' });
  try {
    await simulator.start(['--auto-pair', '--latency', '20-80', '--no-read']);
    await kurir.start();
    const { campaignId } = await startCampaign(kurir, simulator.url, { recipients: 400, senders: 2 });
    const accepted = async () => (await simulator.get<{ accepted: number }>('/records/counts')).accepted;
    await until('sends under way', async () => (await accepted()) >= 20);

    // 0, not 1: done within its grace period (8 s).
    assert.equal(await kurir.stop(), 0, kurir.output());
    assert.match(kurir.output(), /"reason":"SIGTERM","msg":"stopped"/);

    // Every send the network took is written as sent; nothing is left half done.
    const db = new DatabaseSync(`${dataDir}/kurir.db`);
    try {
      const states = Object.fromEntries(
        db
          .prepare('SELECT state, count(*) AS n FROM messages WHERE campaign_id = ? GROUP BY state')
          .all(campaignId)
          .map((r) => [r.state, r.n]),
      );
      assert.equal(states.sending, undefined, JSON.stringify(states));
      assert.equal((states.sent ?? 0) + (states.delivered ?? 0), await accepted(), JSON.stringify(states));
    } finally {
      db.close();
    }

    // A send the network holds for a minute: the stop waits its grace period, then exits.
    const held = await fetch(`${simulator.url}/faults`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: [60_000, 60_000] }),
    });
    assert.equal(held.status, 200, await held.text());
    impatient.key = kurir.key;
    impatient.starts = kurir.starts;
    await impatient.start();
    // A send the network got after this point waits for its answer for 15 s (the link's
    // timeout); those made while the server was still coming up may be nearly done.
    const attempts = async () => (await simulator.get<{ attempts: number }>('/records/counts')).attempts;
    const before = await attempts();
    await until('a send handed to the network', async () => (await attempts()) > before);
    assert.equal(await impatient.stop(), 1, impatient.output());
    assert.match(impatient.output(), /the stop took too long/);
  } finally {
    await kurir.kill();
    await impatient.kill();
    await simulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
