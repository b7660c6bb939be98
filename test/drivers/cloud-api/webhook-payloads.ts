import { graphErrorAnswer } from './graph-error-answer.ts';
import type { AcceptedMessage } from './graph-stand-in.ts';

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

/** Meta's delivery of one `messages` change for a phone number. */
export function webhookPayload(
  number: { phoneNumberId: string; displayPhoneNumber: string },
  value: Record<string, unknown>,
): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: number.displayPhoneNumber.replace(/\D/g, ''),
                phone_number_id: number.phoneNumberId,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** One `statuses[]` entry; the callback data is echoed as Meta echoes it. */
export function statusEntry(message: AcceptedMessage, status: StatusName, timestamp: string, code?: number) {
  const opaque = message.body.biz_opaque_callback_data;
  return {
    id: message.wamid,
    status,
    timestamp,
    recipient_id: message.to,
    ...(typeof opaque === 'string' ? { biz_opaque_callback_data: opaque } : {}),
    ...(status === 'failed' && code !== undefined ? { errors: [graphErrorAnswer(code).error] } : {}),
  };
}

/** The `contacts` and `messages` of a text written by `from` (digits). */
export function textMessage(from: string, id: string, timestamp: string, text: string, replyTo?: string) {
  return {
    contacts: [{ profile: { name: 'Stand-in contact' }, wa_id: from }],
    messages: [
      {
        from,
        id,
        timestamp,
        type: 'text',
        text: { body: text },
        ...(replyTo === undefined ? {} : { context: { from, id: replyTo } }),
      },
    ],
  };
}
