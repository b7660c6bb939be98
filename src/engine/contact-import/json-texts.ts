const encoder = new TextEncoder();
const decoder = new TextDecoder();

const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * JSON texts stored back to back as UTF-8 in one growing buffer, numbered in the order they
 * were added. A reader thread keeps a segment's rows here rather than as strings: the rows
 * then live outside the JavaScript heap, which stays a few megabytes instead of growing to
 * several segments' worth of strings between collections, and a chunk of them becomes a
 * JSON array by copying byte ranges.
 */
export class JsonTexts {
  #bytes = new Uint8Array(1024 * 1024);
  #length = 0;
  /** Where text i ends; it starts where text i - 1 ends. */
  readonly #ends: number[] = [];

  /** Forgets every text but keeps the buffer, which has grown to what a segment needs. */
  clear(): void {
    this.#length = 0;
    this.#ends.length = 0;
  }

  /** Adds a text and returns its number. */
  add(json: string): number {
    // UTF-8 takes at most three bytes per UTF-16 code unit.
    this.#reserve(json.length * 3);
    const { written } = encoder.encodeInto(json, this.#bytes.subarray(this.#length));
    this.#length += written;
    return this.#ends.push(this.#length) - 1;
  }

  text(index: number): string {
    return decoder.decode(this.#bytes.subarray(this.#start(index), this.#ends[index]));
  }

  /** `[a,b,…]` of the texts numbered `indexes`, as UTF-8 in a buffer of its own. */
  array(indexes: readonly number[]): Uint8Array<ArrayBuffer> {
    let size = 2 + Math.max(0, indexes.length - 1);
    for (const i of indexes) size += (this.#ends[i] as number) - this.#start(i);
    const out = new Uint8Array(size);
    out[0] = OPEN_BRACKET;
    let at = 1;
    indexes.forEach((i, k) => {
      if (k > 0) out[at++] = COMMA;
      const text = this.#bytes.subarray(this.#start(i), this.#ends[i]);
      out.set(text, at);
      at += text.length;
    });
    out[at] = CLOSE_BRACKET;
    return out;
  }

  #start(index: number): number {
    return index === 0 ? 0 : (this.#ends[index - 1] as number);
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + bytes));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
