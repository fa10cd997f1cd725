import { levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import { DomainError } from '../../shared/errors.ts';
import { formatTicketNo, shanghaiYear } from '../../shared/ticket/number.ts';
import { insertBatcher } from '../db/insert-batcher.ts';
import type { Db } from '../db/mongo.ts';
import {
  type Actor,
  type Channel,
  counterModel,
  type Ticket,
  type TicketSla,
  ticketModel,
} from './ticket-model.ts';

export interface NewTicket {
  orgId: string;
  orgName: string;
  contact: { userId: string; name: string };
  productLine: string;
  level: ResponseLevel;
  description: string;
  channel: Channel;
  entitled: boolean;
  entitlementNote?: string;
  conversationId?: string;
  /** Idempotency key from the source (e.g. `dingtalk:<msgId>`). */
  sourceKey: string;
  tier?: string;
  branch?: string;
  /** SLA fields computed before the insert (SlaService.start); absent without a commitment. */
  sla?: TicketSla;
  nextEscalationAt?: Date | null;
  type?: string;
  triage?: Ticket['triage'];
  /** An earlier ticket this one continues (a reopen refused after the window). */
  relatedTo?: string;
  chargeable?: boolean;
}

export interface TicketSettings {
  prefix: string;
}

/**
 * Files a ticket once per source key. Safe to call again with the same key
 * (redelivery, a resumed inbox item, two processes): it returns the ticket
 * filed the first time and `created: false`.
 *
 * One batched insert in the common case. The ticket's `_id` is its number
 * and `sourceKey` carries a unique index, so the insert itself is both the
 * number reservation and the idempotency claim — inserts are the one thing
 * FerretDB v1 makes exclusive (its updates are read-modify-write without
 * isolation: two concurrent `$inc`s can both read 7 and write 8). FerretDB
 * does not say which index refused a duplicate, so a refusal is looked up:
 * the number taken by another process (try the next), or this source
 * already filed (return that ticket).
 */
export async function fileTicket(
  db: Db,
  input: NewTicket,
  settings: TicketSettings,
  now: Date,
): Promise<{ ticket: Ticket; created: boolean }> {
  const Tickets = ticketModel(db);
  await Tickets.init(); // the unique sourceKey index must exist before the first insert
  const year = shanghaiYear(now);
  const allocator = allocatorFor(db, `ticket:${settings.prefix}:${year}`);
  for (let tries = 0; tries < 10_000; tries++) {
    const seq = await allocator.candidate();
    const ticket = newTicketDoc(formatTicketNo(settings.prefix, year, seq), input, now);
    if ((await insertBatcher<Ticket>(Tickets).insert(ticket)) === 'inserted') {
      allocator.issued(seq);
      return { ticket, created: true };
    }
    const holder = (await Tickets.findById(ticket._id).lean()) as Ticket | null;
    if (holder?.sourceKey === input.sourceKey) return { ticket: holder, created: false };
    if (!holder) {
      allocator.release(seq); // our number is free: the source was filed under another
      const filed = (await Tickets.findOne({ sourceKey: input.sourceKey }).lean()) as Ticket | null;
      if (filed) return { ticket: filed, created: false };
    }
  }
  throw new Error('no free ticket number after 10,000 tries');
}

function newTicketDoc(ticketNo: string, input: NewTicket, now: Date): Ticket {
  const by: Actor = { kind: 'customer', userId: input.contact.userId, name: input.contact.name };
  const ticket: Ticket = {
    _id: ticketNo,
    orgId: input.orgId,
    orgName: input.orgName,
    contactUserId: input.contact.userId,
    contactName: input.contact.name,
    productLine: input.productLine,
    level: input.level,
    title: titleFrom(input.description),
    description: input.description,
    status: 'triage',
    entitled: input.entitled,
    ...(input.entitlementNote ? { entitlementNote: input.entitlementNote } : {}),
    channel: input.channel,
    ...(input.conversationId ? { conversationId: input.conversationId } : {}),
    open: true,
    sourceKey: input.sourceKey,
    ...(input.tier ? { tier: input.tier } : {}),
    ...(input.branch ? { branch: input.branch } : {}),
    ...(input.sla ? { sla: input.sla } : {}),
    nextEscalationAt: input.nextEscalationAt ?? null,
    version: 0,
    ...(input.type ? { type: input.type } : {}),
    ...(input.triage ? { triage: input.triage } : {}),
    ...(input.chargeable ? { chargeable: true } : {}),
    ...(input.relatedTo ? { relatedTo: input.relatedTo } : {}),
    createdAt: now,
    updatedAt: now,
    timeline: [
      {
        at: now,
        kind: 'created',
        by,
        channel: input.channel,
        text: `${input.productLine} · ${levelCatalog[input.level].nameZh}`,
        to: 'triage',
      },
    ],
  };
  return ticket;
}

/**
 * Candidate numbers for one sequence in this process: distinct within the
 * process without touching the database; across processes the ticket insert
 * decides. The counter document is a hint where to start (read once) and is
 * moved forward at most twice a second, so another process starting later
 * skips ahead instead of probing every issued number.
 */
class SequenceAllocator {
  private next: number | undefined;
  private loading: Promise<void> | undefined;
  private highest = 0;
  private hintTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly counterId: string,
  ) {}

  async candidate(): Promise<number> {
    if (this.next === undefined) {
      this.loading ??= counterModel(this.db)
        .findById(this.counterId)
        .lean()
        .then((c) => {
          this.next ??= (c?.seq ?? 0) + 1;
        });
      await this.loading;
    }
    const seq = this.next!;
    this.next = seq + 1;
    return seq;
  }

  /** Gives back the latest candidate if it went unused, so the sequence has no gap. */
  release(seq: number): void {
    if (this.next === seq + 1) this.next = seq;
  }

  issued(seq: number): void {
    this.highest = Math.max(this.highest, seq);
    this.hintTimer ??= setTimeout(() => {
      this.hintTimer = undefined;
      void counterModel(this.db)
        .updateOne({ _id: this.counterId }, { $max: { seq: this.highest } }, { upsert: true })
        .catch(() => {}); // a hint: a lost update only costs a few extra probes later
    }, 500);
    this.hintTimer.unref();
  }
}

const allocators = new WeakMap<Db, Map<string, SequenceAllocator>>();

function allocatorFor(db: Db, counterId: string): SequenceAllocator {
  let byId = allocators.get(db);
  if (!byId) {
    byId = new Map();
    allocators.set(db, byId);
  }
  let a = byId.get(counterId);
  if (!a) {
    a = new SequenceAllocator(db, counterId);
    byId.set(counterId, a);
  }
  return a;
}

function titleFrom(description: string): string {
  const firstLine = description.split(/\r?\n/)[0] ?? description;
  return firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
}

export type Viewer = { kind: 'contact'; orgId: string } | { kind: 'staff' };

/**
 * A ticket as a viewer may see it. Another organisation's ticket is reported
 * exactly like one that does not exist, so numbers reveal nothing.
 */
export async function getTicketFor(
  db: Db,
  ticketNo: string,
  viewer: Viewer,
  /** The same read, already started (the bot starts it as the message arrives). */
  prefetched?: Promise<Ticket | null>,
): Promise<Ticket> {
  const ticket = await (prefetched ?? readTicket(db, ticketNo));
  if (!ticket || (viewer.kind === 'contact' && ticket.orgId !== viewer.orgId)) {
    throw new DomainError('notFound', `ticket ${ticketNo} not found`, { details: { ticketNo } });
  }
  return ticket;
}

/** The organisation's open tickets, newest first. */
export async function listOpenTickets(db: Db, orgId: string, limit = 20): Promise<Ticket[]> {
  return (await ticketModel(db)
    .find({ orgId, open: true })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean()) as Ticket[];
}

export function readTicket(db: Db, ticketNo: string): Promise<Ticket | null> {
  return ticketModel(db).findById(ticketNo).lean().exec() as Promise<Ticket | null>;
}
