import { levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import { DomainError } from '../../shared/errors.ts';
import { formatTicketNo, shanghaiYear } from '../../shared/ticket/number.ts';
import { insertBatcher } from '../db/insert-batcher.ts';
import type { Db } from '../db/mongo.ts';
import {
  type Actor,
  type Channel,
  counterModel,
  type IntakeClaim,
  intakeClaimModel,
  type Ticket,
  type TicketNumber,
  ticketModel,
  ticketNumberModel,
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
}

export interface TicketSettings {
  prefix: string;
}

/**
 * Files a ticket once per source key. Safe to call again with the same key
 * (redelivery, a resumed inbox item, two processes): it returns the ticket
 * filed the first time and `created: false`.
 */
export async function fileTicket(
  db: Db,
  input: NewTicket,
  settings: TicketSettings,
  now: Date,
): Promise<{ ticket: Ticket; created: boolean }> {
  const Tickets = ticketModel(db);
  const Claims = intakeClaimModel(db);
  // Claim first, read only on a clash: the common case (a message seen for
  // the first time) costs two batched inserts and no read. A clash —
  // redelivery, a resumed message, the same message on two processes — uses
  // the first claim's number; ours stays reserved and unused (a gap).
  const fresh = await reserveTicketNo(db, settings.prefix, now, input.sourceKey);
  const claimed = await insertBatcher<IntakeClaim>(Claims).insert({
    _id: input.sourceKey,
    ticketNo: fresh,
    at: now,
  });
  const ticketNo = claimed === 'inserted' ? fresh : (await Claims.findById(input.sourceKey).lean())?.ticketNo;
  if (!ticketNo) throw new Error(`intake claim ${input.sourceKey} vanished`);
  if (claimed === 'duplicate') {
    const existing = await Tickets.findById(ticketNo).lean();
    if (existing) return { ticket: existing as Ticket, created: false };
  }
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
  if ((await insertBatcher<Ticket>(Tickets).insert(ticket)) === 'inserted') return { ticket, created: true };
  const winner = await Tickets.findById(ticketNo).lean();
  if (!winner) throw new Error(`ticket ${ticketNo} vanished`);
  return { ticket: winner as Ticket, created: false };
}

/**
 * Reserves the next free number by inserting it: FerretDB v1 applies
 * updates as read-modify-write without isolation (two concurrent `$inc`s can
 * both read 7 and write 8), so only a unique-`_id` insert is a safe
 * allocation there. The counter document is merely a hint of where to start;
 * it may lag or even step back under contention, and the insert loop
 * corrects for it.
 */
async function reserveTicketNo(db: Db, prefix: string, now: Date, sourceKey: string): Promise<string> {
  const year = shanghaiYear(now);
  const allocator = allocatorFor(db, `ticket:${prefix}:${year}`);
  const Numbers = ticketNumberModel(db);
  for (let tries = 0; tries < 10_000; tries++) {
    const seq = await allocator.candidate();
    const ticketNo = formatTicketNo(prefix, year, seq);
    if (
      (await insertBatcher<TicketNumber>(Numbers).insert({ _id: ticketNo, sourceKey, at: now })) ===
      'inserted'
    ) {
      allocator.issued(seq);
      return ticketNo;
    }
  }
  throw new Error('no free ticket number after 10,000 tries');
}

/**
 * Candidate numbers for one sequence in this process: distinct within the
 * process without touching the database; across processes the number insert
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
export async function getTicketFor(db: Db, ticketNo: string, viewer: Viewer): Promise<Ticket> {
  const ticket = (await ticketModel(db).findById(ticketNo).lean()) as Ticket | null;
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
