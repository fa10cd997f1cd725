import type { BookingService } from '../server/bookings/booking-service.ts';
import type { Db } from '../server/db/mongo.ts';
import type { DingTalkPort } from '../server/dingtalk/dingtalk-client.ts';
import { DirectoryCache } from '../server/directory/directory-cache.ts';
import type { Logger } from '../server/log.ts';
import type { Notice } from '../server/notifications/outbox.ts';
import type { SlaService } from '../server/sla/sla-service.ts';
import type { IntakeService } from '../server/tickets/intake-service.ts';
import type { LifecycleService } from '../server/tickets/lifecycle-service.ts';
import type { Ticket } from '../server/tickets/ticket-model.ts';
import { readTicket } from '../server/tickets/ticket-service.ts';
import { handleCardCallback } from './card-callbacks.ts';
import { type ConversationSettings, handleTurn, loadDialogue } from './conversation/conversation.ts';
import type { Dialogue } from './conversation/dialogue-model.ts';
import { parseIntent } from './conversation/intent.ts';
import { parseRobotMessage } from './inbound.ts';
import { Inbox, queueKey } from './inbox.ts';
import { sendReplies } from './replies/send.ts';
import { type BaseAwareClient, createStreamClient } from './stream.ts';

/**
 * The bot role: the stream connection, the durable inbox and the
 * conversation core, wired together. Data flow of one turn:
 * frame → parse → inbox (stored, then acked) → handleTurn → replies.
 */
export interface BotOptions {
  db: Db;
  dingtalk: DingTalkPort;
  stream: { clientId: string; clientSecret: string; apiBase: string };
  settings: ConversationSettings;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  sla: SlaService;
  lifecycle: LifecycleService;
  intake: IntakeService;
  bookings: BookingService;
  /** Shared with the rest of the process (one cache of who is who). */
  directory?: DirectoryCache;
  logger: Logger;
  now?: () => Date;
}

export class Bot {
  readonly inbox: Inbox;
  private readonly client: BaseAwareClient;

  constructor(opts: BotOptions) {
    const now = opts.now ?? (() => new Date());
    const log = opts.logger.child({ role: 'bot' });
    const directory = opts.directory ?? new DirectoryCache(opts.db);
    const prefetches = new Map<string, Promise<Dialogue | null>>();
    const ticketReads = new Map<string, { ticketNo: string; read: Promise<Ticket | null> }>();
    const arriving = new Map<string, number>();
    // A prefetch serves the first attempt only; a retry reads afresh.
    const takePrefetch = (msgId: string) => {
      const p = prefetches.get(msgId);
      prefetches.delete(msgId);
      return p;
    };
    this.inbox = new Inbox(
      opts.db,
      async (message, settled) => {
        const early = ticketReads.get(message.msgId);
        ticketReads.delete(message.msgId); // first attempt only; a retry reads afresh
        const replies = await handleTurn(
          {
            db: opts.db,
            directory,
            settings: opts.settings,
            now,
            notify: opts.notify,
            sla: opts.sla,
            lifecycle: opts.lifecycle,
            intake: opts.intake,
            bookings: opts.bookings,
            prefetchedTicket: (no) => (early?.ticketNo === no ? early.read : undefined),
            logger: log,
          },
          message,
          takePrefetch(message.msgId),
        );
        settled(); // the dialogue state is stored: the next message of this conversation may read it
        await sendReplies(opts.dingtalk, message, replies, now().getTime());
      },
      log,
      now,
    );
    this.client = createStreamClient(
      opts.stream,
      {
        onRobotMessage: async (data) => {
          const parsed = parseRobotMessage(data, now().getTime());
          if (!parsed.ok) {
            // Acked and dropped: redelivering a malformed payload cannot fix it.
            log.warn({ error: parsed.error, data: data.slice(0, 300) }, 'dropped a malformed robot message');
            return;
          }
          const message = parsed.message;
          // Idle means: no earlier message of this conversation still being stored here, or
          // queued, or in a turn that has not stored its dialogue state yet (Inbox.isIdleFor).
          const key = queueKey(message);
          const idle = this.inbox.isIdleFor(message) && !arriving.has(key);
          arriving.set(key, (arriving.get(key) ?? 0) + 1);
          if (idle) {
            const early = loadDialogue(opts.db, message);
            early.catch(() => {}); // an error surfaces when the turn awaits it
            prefetches.set(message.msgId, early);
            // 查询 <no>: start the ticket read now too (a read, so early is harmless).
            const intent = parseIntent(message.text);
            if (intent.kind === 'query' && intent.ticketNo) {
              const read = readTicket(opts.db, intent.ticketNo);
              read.catch(() => {});
              ticketReads.set(message.msgId, { ticketNo: intent.ticketNo, read });
            }
            if (message.senderUserId) void directory.whoIs(message.senderUserId).catch(() => {});
          }
          try {
            if ((await this.inbox.accept(message)) === 'duplicate') {
              prefetches.delete(message.msgId);
              ticketReads.delete(message.msgId);
            }
          } catch (err) {
            prefetches.delete(message.msgId);
            ticketReads.delete(message.msgId);
            throw err;
          } finally {
            const left = (arriving.get(key) ?? 1) - 1;
            if (left > 0) arriving.set(key, left);
            else arriving.delete(key);
          }
        },
        onCardCallback: async (data) =>
          handleCardCallback(data, { db: opts.db, lifecycle: opts.lifecycle, now, logger: log }),
      },
      log,
    );
  }

  async start(): Promise<void> {
    await this.inbox.resumePending();
    await this.client.connect();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async stop(): Promise<void> {
    this.client.stop();
    await this.inbox.idle();
  }
}
