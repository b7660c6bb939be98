import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';

/** Object fields named like a credential, redacted at the top level and one level down. */
const credentialKeys = [
  'secret',
  'apiKey',
  'accessToken',
  'appSecret',
  'verifyToken',
  'token',
  'password',
  'creds',
  'keys',
];

/**
 * Every path a secret can sit at in a log record: request headers that carry keys, and any
 * object field named like a credential. A test plants secrets and greps the output.
 */
const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  ...credentialKeys,
  ...credentialKeys.map((key) => `*.${key}`),
];

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty' | 'auto';
  destination?: DestinationStream;
}

/** The process logger. Requests are logged by method and path: query strings can hold tokens. */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  const base = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req(req: { method: string; url: string; id: string }) {
        return { method: req.method, path: req.url.split('?')[0], id: req.id };
      },
    },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' },
      },
    });
  }
  return pino(base);
}
