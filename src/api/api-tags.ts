/**
 * The sections of the API reference, in the order `/docs` shows them: the path of a first
 * campaign (contacts, a template, a sender, the campaign, its messages), then what watches
 * and guards it, then the workspace's own settings. Every operation names one of these.
 */
export const apiTags = [
  {
    name: 'contacts',
    description:
      'The people you message: an E.164 phone, a name, custom fields, tags, a lead status and consent. ' +
      'Search, export, delete in bulk, and import a CSV as a background job with a report of rejected lines.',
  },
  {
    name: 'templates',
    description:
      'Message texts with `{{variables|defaults}}`, spintax `{Hi|Hello}` and several variants, attachments, and ' +
      'for Cloud API senders the approved WhatsApp template to send. Preview renders one for a contact.',
  },
  {
    name: 'files',
    description: 'Uploaded media (images, video, audio, documents) that templates attach by `fileId`.',
  },
  {
    name: 'senders',
    description:
      'The WhatsApp numbers Kurir sends from: on the built-in simulator, WhatsApp Web (Baileys: pair by QR or ' +
      'code) or the Cloud API. Quotas, pause and resume, health and stats.',
  },
  {
    name: 'campaigns',
    description:
      'One template sent to an audience through some senders, paced per sender, inside a time window. ' +
      'Create a draft, start it (now or at `startAt`), pause, resume, stop, clone; counts and progress come ' +
      'from the message rows.',
  },
  {
    name: 'messages',
    description:
      'One outbound message to one contact: its state (queued, sending, sent, delivered, read, failed, ' +
      'skipped), the reason when it failed or was skipped, and its receipts. Exported as CSV per campaign.',
  },
  {
    name: 'events',
    description:
      'Live server-sent events of the workspace (`message.*`, `campaign.*`, `sender.*`, `inbound.message`, ' +
      '`contact.opted_out`), resumable with `Last-Event-ID`.',
  },
  {
    name: 'suppressions',
    description:
      'Phones that are never messaged: opt-outs (a STOP reply adds one), blocklist, bounces. A suppressed ' +
      'recipient becomes a `skipped` message with its reason.',
  },
  {
    name: 'workspace',
    description: "The API key's workspace: its name and the country that national phone numbers are read in.",
  },
  {
    name: 'keys',
    description: "The workspace's API keys. A key's secret is shown once, when it is created.",
  },
  {
    name: 'simulator',
    description:
      "The built-in simulated WhatsApp network, steered with the workspace's key: scripted replies, people " +
      "writing in, what recipients received, and the phone's side of pairing. Absent with `KURIR_SIMULATOR=off`.",
  },
  {
    name: 'webhooks',
    description:
      'Where Meta delivers statuses and inbound messages for Cloud API senders. No API key: the verify token ' +
      'and the `X-Hub-Signature-256` signature authenticate them.',
  },
  {
    name: 'health',
    description: 'Liveness and readiness for load balancers and orchestrators; no API key.',
  },
] as const;

export type ApiTag = (typeof apiTags)[number]['name'];
