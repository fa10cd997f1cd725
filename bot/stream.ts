import { DWClient, type DWClientDownStream, TOPIC_ROBOT } from 'dingtalk-stream';
import type { Logger } from '../server/log.ts';

export const TOPIC_CARD_CALLBACK = '/v1.0/card/instances/callback';

/**
 * The official stream client, pointed at a configurable base. DWClient 2.1.5
 * hard-codes api.dingtalk.com for connections/open (platform reference §a8);
 * private deployments and the local simulator need another base. This
 * subclass also fixes three 2.1.5 defects (§a7): a malformed frame no longer
 * throws out of the socket handler and kills the process, a failed handshake
 * no longer schedules two reconnects (one connect at a time, exponential
 * backoff with jitter), and stop() really stops.
 */
export class BaseAwareClient extends DWClient {
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly apiBase: string,
    private readonly logger: Logger,
  ) {
    // Own subscriptions array: 2.1.5 shares the default one between instances.
    super({ ...opts, keepAlive: true, debug: false, subscriptions: [] } as ConstructorParameters<
      typeof DWClient
    >[0]);
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(`${this.apiBase}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: 'dingtalk-service-desk/0.1 dingtalk-sdk-nodejs/2.1.5',
        subscriptions: this.config.subscriptions,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as {
      endpoint?: string;
      ticket?: string;
      code?: string;
      message?: string;
    };
    if (!res.ok || !body.endpoint || !body.ticket) {
      throw new Error(`connections/open ${res.status} ${body.code ?? ''} ${body.message ?? ''}`.trim());
    }
    (this as unknown as { dw_url: string }).dw_url =
      `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
    return this;
  }

  override connect(): Promise<void> {
    if (this.stopped || this.retryTimer) return Promise.resolve();
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    try {
      await this.getEndpoint();
      await this._connect();
      this.failures = 0;
      this.logger.info('stream connected');
    } catch (err) {
      this.failures++;
      const delay = Math.min(1000 * 2 ** Math.min(this.failures - 1, 6) + Math.random() * 1000, 60_000);
      this.logger.warn(
        { err: (err as Error).message, retryInMs: Math.round(delay) },
        'stream connect failed',
      );
      if (!this.stopped) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          void this.connect();
        }, delay);
      }
    }
  }

  override onDownStream(data: string): void {
    try {
      const frame = JSON.parse(String(data)) as unknown;
      if (
        typeof frame !== 'object' ||
        frame === null ||
        typeof (frame as { headers?: unknown }).headers !== 'object'
      ) {
        this.logger.warn({ frame: String(data).slice(0, 200) }, 'dropped a frame without headers');
        return;
      }
      super.onDownStream(data);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, frame: String(data).slice(0, 200) },
        'dropped a malformed frame',
      );
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.disconnect();
  }
}

export interface StreamHandlers {
  /** Must resolve only once the message is stored durably; the frame is acked after. */
  onRobotMessage(data: string, frame: DWClientDownStream): Promise<void>;
  /** Returns the card update to send back in the ack ({} for none). */
  onCardCallback(data: string, frame: DWClientDownStream): Promise<unknown>;
}

export function createStreamClient(
  opts: { clientId: string; clientSecret: string; apiBase: string },
  handlers: StreamHandlers,
  logger: Logger,
): BaseAwareClient {
  const client = new BaseAwareClient(
    { clientId: opts.clientId, clientSecret: opts.clientSecret },
    opts.apiBase,
    logger,
  );
  client.registerCallbackListener(TOPIC_ROBOT, (frame) => {
    if (!isWellFormed(frame, logger)) return;
    void handlers
      .onRobotMessage(frame.data, frame)
      .then(() => client.socketCallBackResponse(frame.headers.messageId, {}))
      .catch((err: unknown) => {
        // Not acked: DingTalk redelivers, and the inbox dedupes.
        logger.error(
          { err, messageId: frame.headers?.messageId },
          'robot message not stored; left for redelivery',
        );
      });
  });
  client.registerCallbackListener(TOPIC_CARD_CALLBACK, (frame) => {
    if (!isWellFormed(frame, logger)) return;
    void handlers
      .onCardCallback(frame.data, frame)
      .then((response) => client.socketCallBackResponse(frame.headers.messageId, response ?? {}))
      .catch((err: unknown) => {
        logger.error(
          { err, messageId: frame.headers?.messageId },
          'card callback failed; left for redelivery',
        );
      });
  });
  return client;
}

/** A CALLBACK frame the bot can store and answer: a messageId to ack and a data string. */
function isWellFormed(frame: DWClientDownStream, logger: Logger): boolean {
  if (
    typeof frame.headers?.messageId === 'string' &&
    frame.headers.messageId !== '' &&
    typeof frame.data === 'string'
  ) {
    return true;
  }
  logger.warn(
    { topic: frame.headers?.topic, messageId: String(frame.headers?.messageId ?? '').slice(0, 100) },
    'dropped a callback frame without messageId or data string',
  );
  return false;
}
