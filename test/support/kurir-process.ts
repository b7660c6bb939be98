import { type Started, startNode } from './processes.ts';

/** Kurir as its own process, restartable on the same data directory. */
export class KurirProcess {
  readonly #env: Record<string, string>;
  #current: Started | null = null;
  /** The process last started, running or not: its output outlives it. */
  #last: Started | null = null;
  url = '';
  key = '';
  starts = 0;

  constructor(env: Record<string, string>) {
    this.#env = env;
  }

  async start(): Promise<void> {
    const p = startNode('src/main.ts', [], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...this.#env });
    this.#current = p;
    this.#last = p;
    const [, url] = await p.waitFor(/listening on (http:\/\/\S+)/, 60_000);
    this.url = url as string;
    if (this.starts === 0) {
      const [, key] = await p.waitFor(/API key: (kur_[A-Za-z0-9]+)/);
      this.key = key as string;
    }
    this.starts++;
  }

  /** SIGKILL: no shutdown code runs, exactly like a crash or a power cut of the process. */
  async kill(): Promise<void> {
    const p = this.#current;
    if (p === null) return;
    p.child.kill('SIGKILL');
    await p.exited;
    this.#current = null;
  }

  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const p = this.#current;
    if (p === null) return null;
    p.child.kill('SIGTERM');
    const code = await p.exited;
    this.#current = null;
    return code;
  }

  /** What the running process (or the one that ran last) printed. */
  output(): string {
    return this.#last?.output() ?? '';
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text === '' ? null : JSON.parse(text)) as T };
  }
}

/** `kurir simulator` as its own process: the network outlives every Kurir crash. */
export class SimulatorProcess {
  #p: Started | null = null;
  url = '';

  async start(args: string[]): Promise<void> {
    const p = startNode('src/cli/main.ts', ['simulator', '--port', '0', ...args], {});
    this.#p = p;
    const [, url] = await p.waitFor(/Simulator listening on (http:\/\/\S+)/, 60_000);
    this.url = url as string;
  }

  async get<T = unknown>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`);
    if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async post(path: string, body: unknown = {}): Promise<void> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${await res.text()}`);
  }

  async stop(): Promise<void> {
    if (this.#p === null) return;
    this.#p.child.kill('SIGTERM');
    await this.#p.exited;
    this.#p = null;
  }
}
