import { levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import { DomainError } from '../../shared/errors.ts';
import { formatTicketNo, shanghaiYear } from '../../shared/ticket/number.ts';
import { type Db, isDuplicateKey } from '../db/mongo.ts';
import {
  type Actor,
  type Channel,
  counterModel,
  intakeClaimModel,
  type Ticket,
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
  let ticketNo = (await Claims.findById(input.sourceKey).lean())?.ticketNo;
  if (!ticketNo) {
    const fresh = await reserveTicketNo(db, settings.prefix, now, input.sourceKey);
    try {
      await Claims.create({ _id: input.sourceKey, ticketNo: fresh, at: now });
      ticketNo = fresh;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The same source is being filed elsewhere right now and claimed first:
      // use its number (ours stays reserved and unused, a gap in the sequence).
      ticketNo = (await Claims.findById(input.sourceKey).lean())?.ticketNo;
      if (!ticketNo) throw err;
    }
  }
  const existing = await Tickets.findById(ticketNo).lean();
  if (existing) return { ticket: existing as Ticket, created: false };
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
  try {
    await Tickets.create(ticket);
    return { ticket, created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const winner = await Tickets.findById(ticketNo).lean();
    if (!winner) throw err;
    return { ticket: winner as Ticket, created: false };
  }
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
  const counterId = `ticket:${prefix}:${year}`;
  const Counters = counterModel(db);
  const Numbers = ticketNumberModel(db);
  let seq = ((await Counters.findById(counterId).lean())?.seq ?? 0) + 1;
  for (let tries = 0; ; tries++, seq++) {
    const ticketNo = formatTicketNo(prefix, year, seq);
    try {
      await Numbers.create({ _id: ticketNo, sourceKey, at: now });
    } catch (err) {
      if (!isDuplicateKey(err) || tries > 10_000) throw err;
      continue;
    }
    await Counters.updateOne({ _id: counterId }, { $max: { seq } }, { upsert: true }).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e; // two first upserts raced; the hint exists either way
    });
    return ticketNo;
  }
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
