import { EventEmitter } from 'node:events';
import type {
  AnyMessageContent,
  AuthenticationCreds,
  Contact,
  MiscMessageGenerationOptions,
  WAMessage,
} from 'baileys';
import type { SocketEvents, SocketLike, SocketOptions } from '../../../src/drivers/baileys/socket-like.ts';
import type { FakeWhatsApp } from './fake-whatsapp.ts';

/** An error as Baileys throws them: a Boom with the status in `output.statusCode`. */
export function boom(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode } });
}

export type FakeSocketState = 'connecting' | 'pairing' | 'open' | 'closed';

/**
 * A Baileys socket as the driver sees it, on a `FakeWhatsApp` network. It behaves as the
 * library does where the driver depends on it: it starts dialling when built and reports
 * asynchronously; it applies every `creds.update` to the creds object it was given before
 * anyone else hears it; a socket without a paired session offers a QR code; `end` closes
 * once, emits `connection.update` close and drops every listener; a closed socket refuses
 * everything.
 */
export class FakeSocket implements SocketLike {
  readonly ev = new EventEmitter();
  readonly options: SocketOptions;
  readonly index: number;
  state: FakeSocketState = 'connecting';
  readonly signalRepository: SocketLike['signalRepository'];
  readonly #network: FakeWhatsApp;

  constructor(network: FakeWhatsApp, options: SocketOptions, index: number) {
    this.#network = network;
    this.options = options;
    this.index = index;
    this.signalRepository = { lidMapping: { getPNForLID: async (lid) => network.pnForLid(lid) } };
    this.ev.on('creds.update', (update: Partial<AuthenticationCreds>) =>
      Object.assign(options.auth.creds, update),
    );
    setImmediate(() => {
      if (this.state === 'closed') return;
      this.emit('connection.update', { connection: 'connecting' });
      if (network.online) this.handshake();
    });
  }

  get user(): Contact | undefined {
    return this.options.auth.creds.me;
  }

  get creds(): AuthenticationCreds {
    return this.options.auth.creds;
  }

  /** The network answered: log in with a paired session, else offer pairing. */
  handshake(): void {
    if (this.state !== 'connecting') return;
    const { creds } = this;
    if (creds.me?.id !== undefined && creds.account != null) {
      this.state = 'open';
      this.emit('connection.update', { connection: 'open' });
      this.#network.socketOpened(this);
    } else {
      this.state = 'pairing';
      this.emit('connection.update', { qr: `fake-qr-${this.index}` });
    }
  }

  emit<T extends keyof SocketEvents>(event: T, arg: SocketEvents[T]): void {
    this.ev.emit(event, arg);
  }

  /** WhatsApp ends the connection with this status (Baileys' `end(new Boom(…))`). */
  serverClose(statusCode: number, message = `closed by the server (${statusCode})`): Promise<void> {
    return this.end(boom(statusCode, message));
  }

  async sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined> {
    this.#mustBeOpen();
    return this.#network.acceptSend(this, jid, content, options);
  }

  async onWhatsApp(...phones: string[]): Promise<{ jid: string; exists: boolean }[] | undefined> {
    this.#mustBeOpen();
    return this.#network.lookUp(phones);
  }

  async presenceSubscribe(jid: string): Promise<void> {
    this.#mustBeOpen();
    this.#network.presence.push({ type: 'subscribe', jid });
  }

  async sendPresenceUpdate(type: 'composing' | 'paused', jid?: string): Promise<void> {
    this.#mustBeOpen();
    this.#network.presence.push({ type, jid: jid ?? '' });
  }

  async requestPairingCode(phone: string): Promise<string> {
    if (this.state !== 'pairing') throw boom(428, 'Connection Closed');
    const code = 'K7PQ2XWZ';
    this.#network.pairingRequests.push(phone);
    this.creds.pairingCode = code;
    this.emit('creds.update', { pairingCode: code, me: { id: `${phone}@s.whatsapp.net`, name: '~' } });
    return code;
  }

  async logout(): Promise<void> {
    this.#mustBeOpen();
    this.#network.unlinks++;
    void this.end(boom(401, 'Intentional Logout'));
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    // Baileys closes the WebSocket and runs its end handlers before it reports the close.
    await null;
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date(0) } });
    this.ev.removeAllListeners();
  }

  #mustBeOpen(): void {
    if (this.state !== 'open') throw boom(428, 'Connection Closed');
  }
}
