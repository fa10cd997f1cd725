import type { Db } from '../db/mongo.ts';
import type { DingTalkPort } from '../dingtalk/dingtalk-client.ts';
import type { MailPort } from '../email/mailer.ts';
import type { Logger } from '../log.ts';
import {
  type DeliverItemOptions,
  deliverItem,
  dueItems,
  enqueue,
  type Notice,
  removeSent,
} from './outbox.ts';

export interface OutboxWorkerOptions {
  /** Sends email notices; without one, email items fail with a clear reason. */
  mailer?: MailPort;
  /** Time between periodic passes (when started with `start`). Default 2 s. */
  intervalMs?: number;
}

/**
 * Sends outbox items: at once after they are enqueued in this process, and
 * on a periodic pass for retries and for items enqueued by processes that
 * died before sending (see outbox.ts). Email notices go through `mailer`.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private passing = false;
  private readonly intervalMs: number;
  private readonly mailer: MailPort | undefined;

  constructor(
    private readonly db: Db,
    private readonly dingtalk: DingTalkPort,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    opts: OutboxWorkerOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 2_000;
    this.mailer = opts.mailer;
  }

  /** Enqueues and starts delivery of the new items without waiting for it. */
  async send(items: Array<{ key: string; notice: Notice }>): Promise<void> {
    const fresh = await enqueue(this.db, items, this.now());
    for (const item of fresh)
      this.track(deliverItem(this.db, this.dingtalk, item, this.now, this.logger, this.options()));
  }

  start(): void {
    this.timer ??= setInterval(() => void this.pass(), this.intervalMs);
    this.timer.unref();
  }

  async pass(): Promise<void> {
    if (this.passing) return;
    this.passing = true;
    try {
      const sent: string[] = [];
      for (const item of await dueItems(this.db, this.now())) {
        const outcome = await deliverItem(
          this.db,
          this.dingtalk,
          item,
          this.now,
          this.logger,
          this.options({ checkSent: true }),
        );
        if (outcome === 'sent' || outcome === 'alreadySent') sent.push(item._id);
      }
      await removeSent(this.db, sent);
    } catch (err) {
      this.logger.error({ err }, 'outbox pass failed');
    } finally {
      this.passing = false;
    }
  }

  /** Resolves once deliveries started so far have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  private options(extra: DeliverItemOptions = {}): DeliverItemOptions {
    return { ...extra, mailer: this.mailer };
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err) => this.logger.error({ err }, 'outbox delivery crashed'));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }
}
