import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads `process.env`. Every key has a default and a description; the
 * README's configuration table is generated from this schema (`npm run docs:config`) and a
 * test fails when the two drift apart.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port to listen on'),
  HOST: z
    .string()
    .default('127.0.0.1')
    .describe('Interface to bind; set `0.0.0.0` to accept connections from other machines'),
  DATA_DIR: z
    .string()
    .default('./data')
    .describe('Directory for the embedded SQLite database, uploaded files and generated secrets'),
  DATABASE_URL: z
    .string()
    .optional()
    .describe('`postgres://…` to use PostgreSQL; when unset Kurir uses the SQLite file `DATA_DIR/kurir.db`'),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('PostgreSQL connection pool size'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level'),
  LOG_FORMAT: z
    .enum(['json', 'pretty', 'auto'])
    .default('auto')
    .describe('`json` lines, `pretty` for people, or `auto` (pretty on a terminal, JSON otherwise)'),
  KURIR_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE')
    .optional()
    .describe(
      'Country (ISO 3166 alpha-2) used to read phone numbers without a country code in new workspaces',
    ),
  KURIR_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('Largest JSON request body accepted'),
  KURIR_UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024)
    .describe('Largest uploaded file (CSV import, media) accepted'),
  KURIR_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters; 32 random bytes in base64 is a good choice')
    .optional()
    .describe(
      'Encrypts sender sessions and tokens at rest. Without it, embedded mode generates one into `DATA_DIR/secret.key` (mode 0600); PostgreSQL mode requires it',
    ),
  KURIR_IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(10 * 1024)
    .default(350 * 1024)
    .describe('Images larger than this are re-encoded (JPEG, smaller) before a campaign sends them'),
  KURIR_SIMULATOR: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      'Run the built-in simulated WhatsApp network: a paired sender in each new workspace, and its controls under `/simulator/`',
    ),
  KURIR_SEND_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(3)
    .describe('Attempts per message on retryable errors (backoff 2 s, 4 s, 8 s… with jitter)'),
  KURIR_RECONCILE_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(120_000)
    .describe(
      'After a crash, how long a message a driver without idempotent ids may have sent waits for a receipt before it fails as `unknown_outcome`',
    ),
  KURIR_SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(8000)
    .describe(
      'On SIGTERM or SIGINT, how long sends under way may take to settle before Kurir exits anyway (what was under way is then recovered at the next start, as after a crash)',
    ),
});

export type Config = Readonly<
  Omit<z.infer<typeof configSchema>, 'DATA_DIR'> & {
    DATA_DIR: string;
  }
>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** Parses `env` with `schema`, empty values counting as unset, every problem reported at once. */
function parseEnv<T extends z.ZodType>(schema: T, env: Env): z.infer<T> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

/** Reads every key at once and reports all problems together, so one start-up shows them all. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const data = parseEnv(configSchema, env);
  return Object.freeze({ ...data, DATA_DIR: path.resolve(cwd, data.DATA_DIR) });
}

/**
 * Whether npm started this process (`npm start`, `npx kurir …`): npm marks its children's
 * environment with the lifecycle event it runs. Not a setting, so not in the schema.
 */
export function launchedByNpm(env: Env = process.env): boolean {
  return env.npm_lifecycle_event !== undefined;
}

/**
 * What the `kurir` verbs that call the HTTP API read (`campaign`, `sender`, …); `--url` and
 * `--key` override them. The server never reads these.
 */
export const cliConfigSchema = z.object({
  KURIR_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]/, 'must be an http:// or https:// URL')
    .default('http://127.0.0.1:3000')
    .describe(
      'Command line: the Kurir server that `kurir campaign`, `sender`, `template` and `contact` call',
    ),
  KURIR_API_KEY: z
    .string()
    .optional()
    .describe('Command line: the API key those commands send (the server prints one at first start)'),
});

export type CliConfig = Readonly<z.infer<typeof cliConfigSchema>>;

export function loadCliConfig(env: Env = process.env): CliConfig {
  return Object.freeze(parseEnv(cliConfigSchema, env));
}
