import { Metadata, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * The parts of libphonenumber's `Metadata` that its own validity check reads. They are not
 * in its type declarations; `test/domain/phone-validity.test.ts` holds this module to
 * `PhoneNumber.isValid()` across every country, so a library update that changes them
 * fails the suite instead of changing which numbers Kurir accepts.
 */
interface PlanMetadata {
  selectNumberingPlan(countryOrCallingCode: string): void;
  hasTypes(): boolean;
  nationalNumberPattern(): string;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** Every type libphonenumber tries; a number of any of them is valid. */
const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];

interface CompiledPlan {
  general: RegExp;
  /** Null for a plan without per-type patterns: the general one decides alone. */
  types: { pattern: RegExp; lengths: readonly number[] | undefined }[] | null;
}

/**
 * Whether a parsed number is valid, with the same answer as `parsed.isValid()` of
 * libphonenumber-js/max. That method builds each pattern it tests (Germany's fixed-line one
 * is several kilobytes) into a new RegExp on every call: 40% of the time a contact import
 * spends per row. Here each country's patterns are compiled once.
 */
export class PhoneValidity {
  readonly #metadata = new Metadata() as unknown as PlanMetadata;
  readonly #plans = new Map<string, CompiledPlan>();

  isValid(parsed: PhoneNumber): boolean {
    const plan = this.#plan(parsed.country ?? parsed.countryCallingCode);
    const national = parsed.nationalNumber;
    if (!plan.general.test(national)) return false;
    if (plan.types === null) return true;
    return plan.types.some(
      (type) =>
        (type.lengths === undefined || type.lengths.includes(national.length)) && type.pattern.test(national),
    );
  }

  #plan(key: string): CompiledPlan {
    let plan = this.#plans.get(key);
    if (plan === undefined) {
      const metadata = this.#metadata;
      metadata.selectNumberingPlan(key);
      const types = metadata.hasTypes()
        ? NUMBER_TYPES.flatMap((name) => {
            const type = metadata.type(name);
            const pattern = type?.pattern();
            if (type === undefined || pattern === undefined || pattern === '') return [];
            return [{ pattern: whole(pattern), lengths: type.possibleLengths() }];
          })
        : null;
      plan = { general: whole(metadata.nationalNumberPattern()), types };
      this.#plans.set(key, plan);
    }
    return plan;
  }
}

function whole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
