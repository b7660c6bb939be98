import {
  type CountryCode,
  isSupportedCountry,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { PhoneValidity } from './phone-validity.ts';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

const MAX_INPUT = 64;

const validity = new PhoneValidity();

/** Digits and the punctuation people write numbers with, and nothing else. */
const PLAIN_NUMBER = /^\+?[\d\s().\-/]+$/;

/**
 * Normalises what a user typed or imported to E.164. A number without a country prefix is
 * read in `defaultCountry`; without one, only international numbers are accepted. Uses the
 * full metadata so numbers that only look possible by length are rejected.
 */
export function normalisePhone(input: string, defaultCountry: string | null): PhoneResult {
  const raw = input.trim();
  if (raw === '') return { ok: false, reason: 'is empty' };
  if (raw.length > MAX_INPUT) return { ok: false, reason: `is longer than ${MAX_INPUT} characters` };
  if (!/\d/.test(raw)) return { ok: false, reason: 'has no digits' };
  // Spreadsheets keep a leading apostrophe to force text, and our own export adds one.
  const cleaned = raw.startsWith("'") ? raw.slice(1) : raw;
  const international = cleaned.startsWith('+') || cleaned.startsWith('00');
  const text = cleaned.startsWith('00') ? `+${cleaned.slice(2)}` : cleaned;
  if (!international && defaultCountry === null) {
    return { ok: false, reason: 'has no country code and the workspace has no default country' };
  }
  const country = !international && defaultCountry !== null ? (defaultCountry as CountryCode) : undefined;
  const whole = PLAIN_NUMBER.test(text) ? validWhole(text, country) : undefined;
  if (whole !== undefined) return { ok: true, e164: whole.number };
  const parsed = parsePhoneNumberFromString(text, country);
  if (parsed === undefined) return { ok: false, reason: 'cannot be read as a phone number' };
  if (!validity.isValid(parsed)) {
    const where = parsed.country ?? country ?? `+${parsed.countryCallingCode}`;
    return { ok: false, reason: `is not a valid number for ${where}` };
  }
  return { ok: true, e164: parsed.number };
}

/**
 * The number `text` is as a whole, when valid. A contact import reads a million of them, and
 * reading the cell whole (`extract: false`) is a quarter faster than letting libphonenumber
 * search it for a number. A cell that is not a valid number read whole gets the search, so
 * the answer is the one the search alone would give (held by a property test).
 */
function validWhole(text: string, country: CountryCode | undefined): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
  return parsed !== undefined && validity.isValid(parsed) ? parsed : undefined;
}

export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code as CountryCode);
}

/** A stored phone is always E.164: `+` and 8–15 digits. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}
