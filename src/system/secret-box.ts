import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

const VERSION = 'v1';
// A fixed salt: the secret itself is the only input that differs between installations,
// and scrypt makes a guessable one (a passphrase) expensive to search.
const SALT = 'kurir/secret-box/v1';

/** Decryption failed: the value was written under another secret, or was altered. */
export class SecretMismatchError extends Error {
  constructor() {
    super('cannot decrypt: written under another KURIR_SECRET, or altered');
    this.name = 'SecretMismatchError';
  }
}

/**
 * Encrypts values at rest (session credentials, signal keys, access tokens) with
 * AES-256-GCM under a key derived from `KURIR_SECRET`. Each value gets a fresh 12-byte IV;
 * the authentication tag makes a wrong secret or a tampered value fail loudly instead of
 * decrypting to garbage. Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('KURIR_SECRET must be at least 16 characters');
    this.#key = scryptSync(secret, SALT, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join(
      '.',
    );
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined)
      throw new SecretMismatchError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretMismatchError();
    }
  }
}
