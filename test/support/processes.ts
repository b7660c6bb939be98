import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after } from 'node:test';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

const running = new Set<ChildProcess>();
// A test that fails before it stops what it started (a server that came up after its
// wait timed out) would leave it running, and the test file's process waiting on it for
// ever: whatever still runs when the file's tests are done is killed.
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

export interface Started {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the process exits first. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /**
   * Resolves once stdout and stderr are closed by every process that held them: the child
   * and anything it started (an `npm start` and the server under it) are gone.
   */
  closed: Promise<void>;
}

/** Starts a Kurir entry point (`src/main.ts`, the CLI…) on this Node with the given env. */
export function startNode(script: string, args: string[], env: Record<string, string>): Started {
  return startCommand(process.execPath, [path.join(projectRoot, script), ...args], env);
}

/**
 * Starts `command` in the project's folder with only the given env (and PATH, HOME, JSON
 * logs), its output collected.
 */
export function startCommand(command: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ended = (stream: NodeJS.ReadableStream | null) =>
    new Promise<void>((resolve) => (stream === null ? resolve() : stream.once('close', () => resolve())));
  const closed = Promise.all([ended(child.stdout), ended(child.stderr)]).then(() => {});
  return {
    child,
    output: () => out,
    exited,
    closed,
    // A Kurir start can take half a minute on a busy 2-core machine (migrating a new file).
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
        }, timeoutMs);
        const onExit = () => {
          check();
          cleanup();
          reject(new Error(`process exited before ${pattern}; output:\n${out}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.on('exit', onExit);
        check();
      });
    },
  };
}

/** Runs a command to completion and returns its exit code and output. */
export async function runNode(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const p = startNode(script, args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}
