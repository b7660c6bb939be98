import type { Consent, FieldValue } from './contact.ts';
import { normaliseLabel, normaliseTags } from './contact.ts';
import { KurirError } from './errors.ts';
import { normalisePhone } from './phone.ts';

/** Reads a user-typed phone or fails with a reason that names the field. */
export function requirePhone(input: string, defaultCountry: string | null, pointer = '/phone'): string {
  const result = normalisePhone(input, defaultCountry);
  if (!result.ok) {
    throw new KurirError('contact.invalid_phone', `The phone number ${result.reason}`, {
      errors: [{ pointer, detail: result.reason }],
    });
  }
  return result.e164;
}

export function readStatus(status: string | null | undefined): string | null | undefined {
  if (status === undefined || status === null) return status;
  const s = normaliseLabel(status);
  return s === '' ? null : s;
}

export function readTags(tags: readonly string[] | undefined): string[] | undefined {
  return tags === undefined ? undefined : normaliseTags(tags);
}

export function readName(name: string | null | undefined): string | null | undefined {
  if (name === undefined || name === null) return name;
  const n = name.trim();
  return n === '' ? null : n;
}

export function readConsent(
  consent: { optedInAt?: string; source?: string | null } | null | undefined,
  now: number,
): Consent | null | undefined {
  if (consent === undefined || consent === null) return consent;
  const at = consent.optedInAt === undefined ? now : Date.parse(consent.optedInAt);
  if (Number.isNaN(at)) {
    throw new KurirError('request.invalid', 'consent.optedInAt is not a valid date', {
      errors: [{ pointer: '/consent/optedInAt', detail: 'is not a valid date-time' }],
    });
  }
  return { optedInAt: at, source: consent.source?.trim() || null };
}

/** JSON Merge Patch for custom fields: keys given overwrite, a null value removes the key. */
export function mergeFields(
  stored: Record<string, FieldValue>,
  patch: Record<string, FieldValue>,
): Record<string, FieldValue> {
  const out = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
