import type { Readable } from 'node:stream';
import type { Message } from '../domain/message.ts';
import { csvStream, safeCell } from './csv-stream.ts';

const COLUMNS = [
  'seq',
  'phone',
  'contact_id',
  'state',
  'reason',
  'detail',
  'sender_id',
  'attempt',
  'sent_at',
  'delivered_at',
  'read_at',
  'text',
];

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** A campaign's results, one row per recipient in send order; texts and details neutralised. */
export function messagesCsv(messages: AsyncIterable<Message>): Readable {
  async function* records(): AsyncGenerator<string[]> {
    for await (const m of messages) {
      yield [
        String(m.seq),
        m.phone,
        m.contactId ?? '',
        m.state,
        safeCell(m.reason),
        safeCell(m.detail),
        m.senderId ?? '',
        String(m.attempt),
        iso(m.sentAt),
        iso(m.deliveredAt),
        iso(m.readAt),
        safeCell(m.text),
      ];
    }
  }
  return csvStream(COLUMNS, records());
}
