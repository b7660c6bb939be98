import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage, WAMessageUpdate } from 'baileys';
import { proto, WAMessageStatus } from 'baileys';
import type { SocketOptions } from '../../../src/drivers/baileys/socket-like.ts';
import type { ReceivedPart } from '../../contract/driver.contract.ts';
import { FakeSocket } from './fake-socket.ts';

export interface SentMessage {
  socket: number;
  jid: string;
  content: AnyMessageContent;
  options: MiscMessageGenerationOptions | undefined;
}

const digits = (e164: string) => e164.replace(/^\+/, '');

/**
 * WhatsApp as far as one Baileys sender can tell, for tests: the sockets the driver built,
 * who has an account (and under which jid and LID), what each recipient's phone holds
 * (deduplicated by message id per chat, as WhatsApp does), the receipts and inbound
 * messages a test makes happen, and whether the network can be reached.
 */
export class FakeWhatsApp {
  /** The sender's own number, E.164. */
  readonly sender: string;
  readonly sockets: FakeSocket[] = [];
  readonly sent: SentMessage[] = [];
  readonly lookups: string[][] = [];
  readonly presence: { type: string; jid: string }[] = [];
  readonly pairingRequests: string[] = [];
  unlinks = 0;
  online = true;
  /** Thrown (once) by the next `sendMessage`; `'hang'` never answers. */
  nextSendFailure: Error | 'hang' | null = null;
  /** Thrown by every `onWhatsApp` while set. */
  lookupFailure: Error | null = null;
  readonly #unregistered = new Set<string>();
  /** Numbers whose account WhatsApp names by another form of the number (E.164 → jid). */
  readonly #accountJids = new Map<string, string>();
  /** Each recipient's phone: account jid → parts in arrival order. */
  readonly #phones = new Map<string, { id: string; content: AnyMessageContent; receipted: boolean }[]>();
  /** Inbound messages waiting for a socket to open (WhatsApp holds them for offline devices). */
  readonly #offline: WAMessage[] = [];
  #seq = 0;

  constructor(sender: string) {
    this.sender = sender;
  }

  readonly makeSocket = (options: SocketOptions): FakeSocket => {
    const socket = new FakeSocket(this, options, this.sockets.length);
    this.sockets.push(socket);
    return socket;
  };

  /** The newest socket, open or not. */
  get current(): FakeSocket | undefined {
    return this.sockets.at(-1);
  }

  /** The socket that is open now, if any. */
  get open(): FakeSocket | undefined {
    return this.sockets.find((s) => s.state === 'open');
  }

  /** The phone scans the QR code (or enters the code): pair-success, then a 515 restart. */
  async completePairing(): Promise<void> {
    const socket = this.sockets.find((s) => s.state === 'pairing');
    if (socket === undefined) throw new Error('no socket is offering pairing');
    socket.emit('creds.update', {
      me: { id: `${digits(this.sender)}:7@s.whatsapp.net`, lid: '90210000000007:7@lid', name: 'Kurir' },
      account: {
        details: Buffer.from('device-details'),
        accountSignatureKey: Buffer.from('account-signature-key'),
        accountSignature: Buffer.from('account-signature'),
        deviceSignature: Buffer.from('device-signature'),
      },
      platform: 'smba',
    });
    await socket.serverClose(515, 'Stream Errored (restart required)');
  }

  unregister(phone: string): void {
    this.#unregistered.add(phone);
  }

  /** WhatsApp answers for `phone` with the account `jid` (e.g. a Brazilian number without its ninth digit). */
  nameAccount(phone: string, jid: string): void {
    this.#accountJids.set(phone, jid);
  }

  accountJid(phone: string): string | null {
    if (this.#unregistered.has(phone)) return null;
    return this.#accountJids.get(phone) ?? `${digits(phone)}@s.whatsapp.net`;
  }

  /** Every person's LID: a fixed function of the number, so tests can name it. */
  lidOf(phone: string): string {
    return `${[...digits(phone)].reverse().join('')}@lid`;
  }

  pnForLid(lid: string): string | null {
    const user = lid.split('@')[0] ?? '';
    return lid.endsWith('@lid') ? `${[...user].reverse().join('')}@s.whatsapp.net` : null;
  }

  lookUp(jids: string[]): { jid: string; exists: boolean }[] {
    if (this.lookupFailure !== null) throw this.lookupFailure;
    const phones = jids.map((jid) => `+${jid.split('@')[0]}`);
    this.lookups.push(phones);
    return phones.flatMap((phone) => {
      const jid = this.accountJid(phone);
      return jid === null ? [] : [{ jid, exists: true }];
    });
  }

  acceptSend(
    socket: FakeSocket,
    jid: string,
    content: AnyMessageContent,
    options: MiscMessageGenerationOptions | undefined,
  ): Promise<WAMessage> {
    const failure = this.nextSendFailure;
    this.nextSendFailure = null;
    if (failure === 'hang') return new Promise(() => {});
    if (failure !== null) return Promise.reject(failure);
    this.sent.push({ socket: socket.index, jid, content, options });
    const id = options?.messageId ?? `3EB0${String(++this.#seq).padStart(18, '0')}`;
    // WhatsApp takes a message to a number without an account without complaint; it never arrives.
    if (!this.#unregistered.has(`+${jid.split('@')[0]}`)) {
      const chat = this.#phones.get(jid) ?? [];
      if (!chat.some((m) => m.id === id)) chat.push({ id, content, receipted: false });
      this.#phones.set(jid, chat);
    }
    return Promise.resolve({
      key: { remoteJid: jid, fromMe: true, id },
      message: proto.Message.fromObject({ conversation: 'text' in content ? content.text : '' }),
    });
  }

  /** What `phone`'s WhatsApp holds, in arrival order. */
  received(phone: string): ReceivedPart[] {
    const jid = this.accountJid(phone);
    return (jid === null ? [] : (this.#phones.get(jid) ?? [])).map(({ id, content }) => ({
      id,
      type: typeOf(content),
      text: textOf(content),
    }));
  }

  /** Every part not yet receipted is delivered, then read; receipts name chats by LID. */
  deliverAndRead(): void {
    const socket = this.open;
    if (socket === undefined) throw new Error('no open socket to report receipts on');
    const due = [...this.#phones].flatMap(([jid, chat]) =>
      chat.filter((m) => !m.receipted).map((m) => ({ jid, message: m })),
    );
    const update = (status: number, t: number): WAMessageUpdate[] =>
      due.map(({ jid, message }) => ({
        key: { remoteJid: this.lidOf(`+${jid.split('@')[0]}`), fromMe: true, id: message.id },
        update: { status, messageTimestamp: t },
      }));
    socket.emit('messages.update', update(WAMessageStatus.DELIVERY_ACK, 1_767_600_000));
    socket.emit('messages.update', update(WAMessageStatus.READ, 1_767_600_060));
    for (const { message } of due) message.receipted = true;
  }

  /** WhatsApp refuses a part after it was sent (a NACK). */
  nack(id: string, to: string, code: string): void {
    this.open?.emit('messages.update', [
      {
        key: { remoteJid: `${digits(to)}@s.whatsapp.net`, fromMe: true, id },
        update: { status: WAMessageStatus.ERROR, messageStubParameters: [code] },
      },
    ]);
  }

  /** `from` writes to the sender; the chat is named by LID with the number beside it. */
  sendInbound(from: string, text: string, extra: Partial<WAMessage> = {}): WAMessage {
    const message: WAMessage = {
      key: {
        remoteJid: this.lidOf(from),
        remoteJidAlt: `${digits(from)}@s.whatsapp.net`,
        fromMe: false,
        id: `IN${String(++this.#seq).padStart(8, '0')}`,
      },
      message: { conversation: text },
      messageTimestamp: 1_767_600_000 + this.#seq,
      ...extra,
    };
    const socket = this.open;
    if (socket === undefined) this.#offline.push(message);
    else socket.emit('messages.upsert', { messages: [message], type: 'notify' });
    return message;
  }

  /** Called by a socket as it opens: messages that came while no device was online follow. */
  socketOpened(socket: FakeSocket): void {
    if (this.#offline.length === 0) return;
    const messages = this.#offline.splice(0);
    socket.emit('messages.upsert', { messages, type: 'append' });
  }

  /** The network goes away: the open socket closes (428) and new ones cannot get through. */
  async dropConnection(): Promise<void> {
    this.online = false;
    await this.open?.serverClose(428, 'Connection Terminated');
  }

  /** The network is back: a socket still dialling gets through. */
  restoreConnection(): void {
    this.online = true;
    for (const socket of this.sockets) socket.handshake();
  }
}

function typeOf(content: AnyMessageContent): ReceivedPart['type'] {
  if ('image' in content) return 'image';
  if ('video' in content) return 'video';
  if ('audio' in content) return 'audio';
  if ('document' in content) return 'document';
  return 'text';
}

function textOf(content: AnyMessageContent): string | null {
  if ('text' in content) return content.text;
  if ('caption' in content && typeof content.caption === 'string') return content.caption;
  return null;
}
