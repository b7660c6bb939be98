import { type Random, randomInt } from '../random.ts';

export const pacingPresets = ['very_short', 'short', 'medium', 'long', 'very_long', 'manual'] as const;
export type PacingPreset = (typeof pacingPresets)[number];

/**
 * Gap ranges in seconds. WhatsApp publishes no limits for linked-device clients; these are
 * defaults, not safe limits. `medium` (20–50 s) is what the earlier campaign runner
 * recommended and is Kurir's default; `short` brackets the 4–8 s of the earlier queue sender.
 */
export const presetGapsSeconds: Record<Exclude<PacingPreset, 'manual'>, [number, number]> = {
  very_short: [1, 4],
  short: [4, 10],
  medium: [20, 50],
  long: [60, 120],
  very_long: [120, 300],
};

/** What a user asks for (the campaign's `pacing` JSON). */
export interface PacingInput {
  preset: PacingPreset;
  minSeconds?: number;
  maxSeconds?: number;
  /** Every `every` messages a sender waits a longer random pause instead of the gap. */
  batch?: { every: number; minSeconds: number; maxSeconds: number };
  /** Show "typing…" before each message for a time that grows with its length. */
  typing?: boolean | { msPerChar?: number; minMs?: number; maxMs?: number };
}

/** The same, resolved to milliseconds. */
export interface PacingPolicy {
  minGapMs: number;
  maxGapMs: number;
  batch: { every: number; minMs: number; maxMs: number } | null;
  typing: { msPerChar: number; minMs: number; maxMs: number } | null;
}

/** About 45 words a minute (folklore figure used by anti-ban tools), clamped to 1–8 s. */
const DEFAULT_TYPING = { msPerChar: 30, minMs: 1000, maxMs: 8000 };

export const defaultPacing: PacingInput = {
  preset: 'medium',
  batch: { every: 10, minSeconds: 20, maxSeconds: 40 },
};

export function resolvePacing(input: PacingInput): PacingPolicy {
  const [min, max] =
    input.preset === 'manual'
      ? [input.minSeconds ?? 0, input.maxSeconds ?? input.minSeconds ?? 0]
      : presetGapsSeconds[input.preset];
  const typing =
    input.typing === undefined || input.typing === false
      ? null
      : { ...DEFAULT_TYPING, ...(input.typing === true ? {} : input.typing) };
  return {
    minGapMs: Math.round(min * 1000),
    maxGapMs: Math.round(Math.max(min, max) * 1000),
    batch:
      input.batch === undefined || input.batch.every <= 0
        ? null
        : {
            every: input.batch.every,
            minMs: Math.round(input.batch.minSeconds * 1000),
            maxMs: Math.round(Math.max(input.batch.minSeconds, input.batch.maxSeconds) * 1000),
          },
    typing,
  };
}

/**
 * The wait after a sender's `sentInRun`-th message (1-based) of a run: the batch pause
 * when that count is a multiple of `batch.every`, the gap otherwise.
 */
export function nextGapMs(
  policy: PacingPolicy,
  sentInRun: number,
  random: Random,
): { gapMs: number; batchPause: boolean } {
  if (policy.batch !== null && sentInRun > 0 && sentInRun % policy.batch.every === 0) {
    return { gapMs: randomInt(random, policy.batch.minMs, policy.batch.maxMs), batchPause: true };
  }
  return { gapMs: randomInt(random, policy.minGapMs, policy.maxGapMs), batchPause: false };
}

/** How long to show "typing…" for a text: proportional to its length with ±20 % jitter. */
export function typingMs(policy: PacingPolicy, textLength: number, random: Random): number {
  if (policy.typing === null) return 0;
  const base = textLength * policy.typing.msPerChar * (0.8 + random.next() * 0.4);
  return Math.round(Math.min(policy.typing.maxMs, Math.max(policy.typing.minMs, base)));
}
