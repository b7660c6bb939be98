import type {
  AnyMessageContent,
  AuthenticationState,
  BaileysEventMap,
  CacheStore,
  Contact,
  MiscMessageGenerationOptions,
  proto,
  WAMessage,
  WAMessageKey,
} from 'baileys';
import { makeWASocket } from 'baileys';
import type { Logger } from 'pino';

/** The events of a socket's emitter, by name (Baileys' own map). */
export type SocketEvents = BaileysEventMap;

/**
 * The slice of a Baileys socket the driver uses, and nothing more, so tests can hand in a
 * fake at the library's own boundary (`makeWASocket` dials WhatsApp as soon as it is
 * called). Member types are Baileys' own; the real socket satisfies this interface as is.
 */
export interface SocketLike {
  /** Baileys' event emitter. `emit` reaches listeners synchronously. */
  readonly ev: {
    on<T extends keyof SocketEvents>(event: T, listener: (arg: SocketEvents[T]) => void): void;
    off<T extends keyof SocketEvents>(event: T, listener: (arg: SocketEvents[T]) => void): void;
  };
  /** The linked account (`creds.me`): `id` is `<digits>:<device>@s.whatsapp.net`. */
  readonly user: Contact | undefined;
  /** Resolves once the message left (status PENDING); `options.messageId` becomes `key.id`. */
  sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined>;
  /** Entries only for the numbers that have WhatsApp; `jid` is WhatsApp's jid for the number. */
  onWhatsApp(...phones: string[]): Promise<{ jid: string; exists: boolean }[] | undefined>;
  presenceSubscribe(jid: string): Promise<void>;
  sendPresenceUpdate(type: 'composing' | 'paused', jid?: string): Promise<void>;
  /** `phone` is digits with the country code, no '+'; resolves to the 8-character code. */
  requestPairingCode(phone: string): Promise<string>;
  /** Unlinks the device, then closes the socket with 401. */
  logout(message?: string): Promise<void>;
  /** Closes without unlinking; a `connection.update` close follows (with `error`). */
  end(error: Error | undefined): Promise<void>;
  /** Present on the real socket: resolves a LID to the number it hides, when known. */
  readonly signalRepository?: {
    readonly lidMapping: { getPNForLID(lid: string): Promise<string | null> };
  };
}

/** What the driver sets when it builds a socket; everything else keeps Baileys' default. */
export interface SocketOptions {
  auth: AuthenticationState;
  logger: Logger;
  markOnlineOnConnect: boolean;
  syncFullHistory: boolean;
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  msgRetryCounterCache: CacheStore;
  shouldIgnoreJid: (jid: string) => boolean | undefined;
}

/** Builds a socket; it starts connecting at once. */
export type MakeSocket = (options: SocketOptions) => SocketLike;

/** The real thing: Baileys' `makeWASocket`. */
export const makeBaileysSocket: MakeSocket = (options) => makeWASocket(options);
