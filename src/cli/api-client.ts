import { ConfigError, loadCliConfig } from '../config.ts';
import { CliError } from './cli-error.ts';

/** One entry of a problem's `errors[]`: where (body pointer, parameter or CSV line) and why. */
export interface FieldProblem {
  pointer?: string;
  parameter?: string;
  line?: number;
  detail: string;
}

/** The part of an RFC 9457 problem the CLI shows. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  requestId?: string;
  errors?: FieldProblem[];
}

/** The API answered with an error: printed with {@link formatProblem}, exit code 1. */
export class ApiProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = 'ApiProblem';
    this.problem = problem;
  }
}

/** The server did not answer at all (not running, wrong URL): exit code 1. */
export class ApiUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    const reason =
      cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : '';
    super(`cannot reach Kurir at ${url} (${reason}); is the server running? Set KURIR_URL or pass --url`, {
      cause,
    });
    this.name = 'ApiUnreachable';
  }
}

function where(e: FieldProblem): string {
  if (e.pointer !== undefined) return e.pointer === '/' ? 'body' : e.pointer;
  if (e.parameter !== undefined) return `parameter ${e.parameter}`;
  if (e.line !== undefined) return `line ${e.line}`;
  return '-';
}

/** A problem as lines a person reads: code and detail, then each field error, then a hint. */
export function formatProblem(p: Problem): string {
  const lines = [`${p.code} (${p.status}): ${p.detail}`];
  for (const e of p.errors ?? []) lines.push(`  ${where(e)}: ${e.detail}`);
  if (p.status === 401) lines.push('  check the key in KURIR_API_KEY or --key');
  if (p.status >= 500 && p.requestId !== undefined) lines.push(`  request id ${p.requestId}`);
  return lines.join('\n');
}

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const json = JSON.parse(text) as Partial<Problem>;
    if (typeof json.code === 'string' && typeof json.detail === 'string')
      return { ...json, status: res.status, code: json.code, detail: json.detail };
  } catch {
    // Not problem JSON (a proxy's HTML page, say): reported by status below.
  }
  return { status: res.status, code: `http.${res.status}`, detail: text.slice(0, 200) || res.statusText };
}

export type QueryValue = string | number | readonly string[] | undefined;

/** `?a=1&b=x&b=y` from defined values, arrays repeated as the API expects. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The HTTP API as the CLI calls it: JSON in, JSON out, errors as {@link ApiProblem}. */
export class ApiClient {
  readonly url: string;
  readonly #key: string;

  constructor(options: { url: string; key: string }) {
    this.url = options.url.replace(/\/+$/, '');
    this.#key = options.key;
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${this.#key}`, ...init.headers },
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ApiUnreachable(this.url, error);
    }
    if (!res.ok) throw new ApiProblem(await problemOf(res));
    return res;
  }

  /** Sends `body` as JSON (when given) and returns the parsed answer; a 204 gives `undefined`. */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await this.#fetch(path, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Every item of a paged list (`data` and `nextCursor`), read 500 at a time. */
  async all<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call<{ data: T[]; nextCursor: string | null }>(
        'GET',
        `${path}${queryString({ ...query, limit: 500, cursor })}`,
      );
      items.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  /** Posts a multipart form (fields keep their order: the import wants options before the file). */
  async upload<T>(path: string, form: FormData): Promise<T> {
    const res = await this.#fetch(path, { method: 'POST', body: form });
    return (await res.json()) as T;
  }

  /** Opens a server-sent event stream; resumes after `lastEventId` when given. */
  async events(path: string, lastEventId: string | null, signal: AbortSignal) {
    const res = await this.#fetch(path, {
      signal,
      headers: {
        accept: 'text/event-stream',
        ...(lastEventId === null ? {} : { 'last-event-id': lastEventId }),
      },
    });
    if (res.body === null) throw new ApiUnreachable(this.url, new Error('the event stream has no body'));
    return res.body;
  }
}

/** A client from `--url`/`--key`, falling back to KURIR_URL/KURIR_API_KEY. */
export function connect(flags: { url?: string | undefined; key?: string | undefined }): ApiClient {
  let config: ReturnType<typeof loadCliConfig>;
  try {
    config = loadCliConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const url = flags.url ?? config.KURIR_URL;
  if (!/^https?:\/\/[^/\s]/.test(url))
    throw new CliError(`--url must be an http:// or https:// URL (got ${url})`);
  const key = flags.key ?? config.KURIR_API_KEY;
  if (key === undefined || key === '') {
    throw new CliError(
      'no API key: set KURIR_API_KEY or pass --key.\n' +
        'The server prints a key when it first starts; on the server, `npx kurir keys create` makes another.',
    );
  }
  return new ApiClient({ url, key });
}
