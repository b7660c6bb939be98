import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { KurirError } from '../domain/errors.ts';
import type { Random } from '../domain/random.ts';
import type { Sender } from '../domain/sender.ts';
import { BaileysDriver } from '../drivers/baileys/baileys-driver.ts';
import type { MakeSocket } from '../drivers/baileys/socket-like.ts';
import { CloudApiDriver } from '../drivers/cloud-api/cloud-api-driver.ts';
import type { Driver } from '../drivers/driver.ts';
import { HttpLink } from '../drivers/simulator/http-link.ts';
import { InProcessLink } from '../drivers/simulator/in-process-link.ts';
import { SimulatorDriver } from '../drivers/simulator/simulator-driver.ts';
import type { SimulatorNetwork } from '../drivers/simulator/simulator-network.ts';
import type { Store } from '../store/store.ts';
import type { SecretBox } from '../system/secret-box.ts';
import type { DriverFactory } from './sender-sessions.ts';
import { StoredSession } from './stored-session.ts';

/** A simulator sender's `config`. */
export interface SimulatorSenderConfig {
  /** The sender's number on the simulated network, E.164. */
  phone: string;
  /** A `kurir simulator` to use instead of the one inside this server. */
  url?: string;
  /** Pair without a person scanning a QR code (demos, tests). */
  autoPair?: boolean;
  /** Model a driver without custom message ids (re-sends are new messages). */
  idempotentIds?: boolean;
  maxPerSecond?: number | null;
}

export interface KurirDriverFactoryDeps {
  clock: Clock;
  random: Random;
  log: Logger;
  store: Store;
  /** Opens sender secrets and encrypts session keys. */
  secrets: SecretBox;
  /** The in-process simulated network; null when this server runs without one. */
  simulator: SimulatorNetwork | null;
  /** Builds Baileys sockets; tests hand in a fake WhatsApp. Default: the real one. */
  baileysSocket?: MakeSocket;
}

/** A Cloud API sender's `config` (its secrets are kept apart, encrypted). */
export interface CloudApiSenderConfig {
  phoneNumberId: string;
  baseUrl?: string;
}

interface CloudApiSecrets {
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

/** Builds the driver for each sender from its kind and config. */
export class KurirDriverFactory implements DriverFactory {
  readonly #deps: KurirDriverFactoryDeps;
  readonly #links = new Map<string, HttpLink>();

  constructor(deps: KurirDriverFactoryDeps) {
    this.#deps = deps;
  }

  async create(sender: Sender): Promise<Driver> {
    switch (sender.driver) {
      case 'simulator':
        return this.#simulator(sender, sender.config as unknown as SimulatorSenderConfig);
      case 'baileys':
        return this.#baileys(sender);
      case 'cloud-api':
        return this.#cloudApi(sender, sender.config as unknown as CloudApiSenderConfig);
      default:
        throw new KurirError(
          'sender.invalid',
          `The ${sender.driver} driver is not available in this version`,
        );
    }
  }

  #simulator(sender: Sender, config: SimulatorSenderConfig): Driver {
    const { clock, log } = this.#deps;
    let link: InProcessLink | HttpLink;
    if (config.url !== undefined) {
      link = this.#links.get(config.url) ?? new HttpLink({ baseUrl: config.url, clock, log });
      this.#links.set(config.url, link);
    } else {
      const network = this.#deps.simulator;
      if (network === null) {
        throw new KurirError(
          'sender.invalid',
          'This server runs without a built-in simulator; give the sender a `url`',
        );
      }
      if (network.senderState(config.phone) === null)
        network.createSender(config.phone, { autoPair: config.autoPair ?? false });
      link = new InProcessLink({ network });
    }
    return new SimulatorDriver({
      link,
      clock,
      log: log.child({ senderId: sender.id }),
      sender: config.phone,
      idempotentIds: config.idempotentIds ?? true,
      maxPerSecond: config.maxPerSecond ?? null,
    });
  }

  #baileys(sender: Sender): Driver {
    const { clock, random, log, store, secrets } = this.#deps;
    return new BaileysDriver({
      clock,
      random,
      log: log.child({ senderId: sender.id }),
      session: new StoredSession({ store, box: secrets, clock, senderId: sender.id }),
      ...(this.#deps.baileysSocket === undefined ? {} : { makeSocket: this.#deps.baileysSocket }),
    });
  }

  async #cloudApi(sender: Sender, config: CloudApiSenderConfig): Promise<Driver> {
    const { clock, log, store, secrets } = this.#deps;
    const sealed = await store.senders.secret(sender.id);
    if (sealed === null) {
      throw new KurirError('sender.invalid', 'This Cloud API sender has no access token; update its config');
    }
    const keys = JSON.parse(secrets.decrypt(sealed)) as CloudApiSecrets;
    return new CloudApiDriver({
      clock,
      log: log.child({ senderId: sender.id }),
      phoneNumberId: config.phoneNumberId,
      ...keys,
      ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
    });
  }
}
