import { createHash } from 'node:crypto';
import { isE164 } from '../../domain/phone.ts';
import { checkFraction } from './network-settings.ts';

/** Where a phone stands with the network, and why. */
export type NumberStatus = 'registered' | 'unregistered' | 'invalid';

/**
 * Which numbers have WhatsApp. Every well-formed E.164 number does, unless it is listed as
 * unregistered, listed invalid (blocked: it has an account but cannot be messaged), or falls
 * in the unregistered fraction. The fraction is decided by a hash of the phone, not by
 * chance, so the same audience loses the same numbers on every run and every process, and
 * a large audience loses about that share.
 */
export class NumberRegistry {
  #unregistered = new Set<string>();
  #registered = new Set<string>();
  #invalid = new Set<string>();
  #fraction = 0;

  /** These numbers have no WhatsApp account. */
  unregister(phones: readonly string[]): void {
    for (const phone of phones) {
      this.#registered.delete(phone);
      this.#unregistered.add(phone);
    }
  }

  /** These numbers have WhatsApp and can be messaged, whatever the lists and fraction say. */
  register(phones: readonly string[]): void {
    for (const phone of phones) {
      this.#unregistered.delete(phone);
      this.#invalid.delete(phone);
      this.#registered.add(phone);
    }
  }

  /** These numbers refuse messages (`invalid_recipient`), e.g. they blocked every sender. */
  invalidate(phones: readonly string[]): void {
    for (const phone of phones) this.#invalid.add(phone);
  }

  /** About this share (0…1) of numbers not listed either way has no WhatsApp. */
  setUnregisteredFraction(fraction: number): void {
    checkFraction('unregisteredFraction', fraction);
    this.#fraction = fraction;
  }

  get unregisteredFraction(): number {
    return this.#fraction;
  }

  status(phone: string): NumberStatus {
    if (!isE164(phone) || this.#invalid.has(phone)) return 'invalid';
    if (this.#registered.has(phone)) return 'registered';
    if (this.#unregistered.has(phone)) return 'unregistered';
    return this.#fraction > 0 && hashShare(phone) < this.#fraction ? 'unregistered' : 'registered';
  }

  /** Has a WhatsApp account (blocked numbers do; malformed ones do not). */
  hasWhatsApp(phone: string): boolean {
    if (!isE164(phone)) return false;
    return this.status(phone) !== 'unregistered';
  }

  clear(): void {
    this.#unregistered.clear();
    this.#registered.clear();
    this.#invalid.clear();
    this.#fraction = 0;
  }
}

/** A stable number in [0, 1) for a phone: the first 32 bits of its SHA-256. */
function hashShare(phone: string): number {
  return createHash('sha256').update(phone).digest().readUInt32BE(0) / 2 ** 32;
}
