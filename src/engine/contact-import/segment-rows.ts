import type { FieldValue } from '../../domain/contact.ts';
import type { ImportRejection, OnDuplicate } from '../../domain/job.ts';
import type { ImportedContact } from '../../store/contact-import-writer.ts';
import type { JsonTexts } from './json-texts.ts';
import type { ImportRow } from './row-mapper.ts';

/**
 * Consecutive items of a segment to write in one transaction. A segment's items are its
 * rejections in line order, then its contacts in phone order.
 */
export interface SegmentChunk {
  rejections: ImportRejection[];
  /** UTF-8 JSON array of {@link ImportedContact}, sorted by phone, each phone once. */
  contacts: Uint8Array<ArrayBuffer>;
  /** Contacts in `contacts`. */
  count: number;
  /** File rows those contacts stand for (a phone the segment repeats counts once per row). */
  rows: number;
  /** The segment's items written once this chunk is: where a resumed run starts. */
  mergedItems: number;
  /** How much of the segment is written once this chunk is, from 0 to 1; progress only. */
  share: number;
  /** Whether this is the segment's last chunk. */
  last: boolean;
}

/**
 * The rows of one segment of the file, gathered as they are read, then handed out sorted
 * by phone with each phone's rows folded into one contact, in chunks. Sorting is what makes
 * the write fast: a chunk then touches one narrow range of the phone index (see
 * `store/contact-import-writer.ts`). Folding keeps the result that of writing the rows one
 * by one in file order: a later row's mapped values win, tags and fields accumulate, and
 * with `skip` only the first row counts.
 *
 * Rows are kept as their JSON, which the chunks are made of anyway: ~100 bytes a row
 * instead of ~300 as objects, and outside the JavaScript heap (see `JsonTexts`), so a
 * worker holding a 100,000-row segment stays small.
 */
export class SegmentRows {
  readonly #texts: JsonTexts;
  /** Row i's phone; its JSON is text i of `#texts`. */
  readonly #phones: string[] = [];
  readonly #rejections: ImportRejection[] = [];
  readonly #fieldKeys = new Set<string>();

  /**
   * Keeps the rows in `texts`, clearing it first: a worker hands the same buffer to each
   * segment it reads in turn, so the buffer grows once, not once per segment.
   */
  constructor(texts: JsonTexts) {
    texts.clear();
    this.#texts = texts;
  }

  add(row: ImportRow): void {
    this.#phones.push(row.phone);
    const contact: ImportedContact = [row.phone, row.name ?? null, row.status ?? null, row.tags, row.fields];
    this.#texts.add(JSON.stringify(contact));
    for (const key in row.fields) this.#fieldKeys.add(key);
  }

  reject(rejection: ImportRejection): void {
    this.#rejections.push(rejection);
  }

  /** Custom field keys of every row, skipped repeats included, as a direct write records them. */
  get fieldKeys(): string[] {
    return [...this.#fieldKeys];
  }

  /**
   * The segment's items from `skipItems` on, in chunks of at most `chunkItems`; at least
   * one chunk, so even an empty segment is marked written.
   */
  *chunks(onDuplicate: OnDuplicate, chunkItems: number, skipItems: number): Generator<SegmentChunk> {
    const { contacts, rows } = this.#fold(onDuplicate);
    const rejected = this.#rejections.length;
    const total = rejected + contacts.length;
    let start = Math.min(skipItems, total);
    do {
      const end = Math.min(total, start + chunkItems);
      const from = Math.max(start, rejected) - rejected;
      const to = Math.max(end, rejected) - rejected;
      let rowCount = 0;
      for (let i = from; i < to; i++) rowCount += rows[i] as number;
      yield {
        rejections: start < rejected ? this.#rejections.slice(start, Math.min(end, rejected)) : [],
        contacts: this.#texts.array(contacts.slice(from, to)),
        count: to - from,
        rows: rowCount,
        mergedItems: end,
        share: total === 0 ? 1 : end / total,
        last: end === total,
      };
      start = end;
    } while (start < total);
  }

  /**
   * Contacts in phone order as numbers of their texts, each phone's rows folded into one, and
   * how many rows each stands for.
   */
  #fold(onDuplicate: OnDuplicate): { contacts: number[]; rows: number[] } {
    const phones = this.#phones;
    const order = Array.from(phones.keys());
    // Ties keep file order, which is the order repeats are folded in.
    order.sort((a, b) => {
      const pa = phones[a] as string;
      const pb = phones[b] as string;
      return pa < pb ? -1 : pa > pb ? 1 : a - b;
    });
    const contacts: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < order.length; ) {
      const first = order[i] as number;
      let end = i + 1;
      while (end < order.length && phones[order[end] as number] === phones[first]) end++;
      if (end - i === 1 || onDuplicate === 'skip') {
        contacts.push(first);
      } else {
        const repeats = order.slice(i, end).map((k) => JSON.parse(this.#texts.text(k)) as ImportedContact);
        contacts.push(this.#texts.add(JSON.stringify(repeats.reduce(foldRow))));
      }
      rows.push(end - i);
      i = end;
    }
    return { contacts, rows };
  }
}

/** A later row over an earlier one of the same phone: values it has win, tags and fields accumulate. */
function foldRow(earlier: ImportedContact, later: ImportedContact): ImportedContact {
  const [phone, name, status, tags, fields] = earlier;
  const fieldsOut: Record<string, FieldValue> = { ...fields, ...later[4] };
  return [phone, later[1] ?? name, later[2] ?? status, [...new Set([...tags, ...later[3]])], fieldsOut];
}
