import type { BookingService } from '../../server/bookings/booking-service.ts';
import type { Db } from '../../server/db/mongo.ts';
import type { OutMessage } from '../../server/dingtalk/message.ts';
import type { DirectoryCache } from '../../server/directory/directory-cache.ts';
import type { WhoIs } from '../../server/directory/directory-service.ts';
import type { Organisation } from '../../server/directory/organisation-model.ts';
import type { Logger } from '../../server/log.ts';
import type { Notice } from '../../server/notifications/outbox.ts';
import type { SlaService } from '../../server/sla/sla-service.ts';
import type { IntakeService } from '../../server/tickets/intake-service.ts';
import type { LifecycleService } from '../../server/tickets/lifecycle-service.ts';
import type { Ticket } from '../../server/tickets/ticket-model.ts';
import { getTicketFor, listOpenTickets, type Viewer } from '../../server/tickets/ticket-service.ts';
import { isDomainError } from '../../shared/errors.ts';
import { findTicketNo } from '../../shared/ticket/number.ts';
import type { InboundMessage } from '../inbound.ts';
import * as replies from '../replies/ticket-replies.ts';
import { bookingAnswer, bookingCommand, isBookingIntent, staffBookingCommand } from './booking-dialogue.ts';
import { type Dialogue, type DialogueState, dialogueKey, dialogueModel } from './dialogue-model.ts';
import { answer, draftFromSentence, type FilingDraft, nextStep } from './filing.ts';
import { type Intent, normalise, parseIntent } from './intent.ts';
import { customerFollowUp, runCustomerCommand, runStaffCommand } from './ticket-actions.ts';
import { parseTicketCommand } from './ticket-commands.ts';

/**
 * The conversation core: one chat turn in, replies out. It knows nothing of
 * frames or transports (stream today, HTTP callback later); it reads and
 * writes the database through the domain services and hands notices to the
 * outbox. Every effect is idempotent by msgId (see dialogue-model.ts and
 * the ticket's unique source key), so a turn may safely run again.
 */
export interface ConversationSettings {
  ticketPrefix: string;
  productLines: readonly string[];
  cardTemplateId: string;
  /** An unfinished 报障 dialogue older than this starts over. */
  dialogueTimeoutMs: number;
}

export interface ConversationDeps {
  db: Db;
  directory: DirectoryCache;
  settings: ConversationSettings;
  now: () => Date;
  notify: (items: Array<{ key: string; notice: Notice }>) => Promise<void>;
  sla: SlaService;
  lifecycle: LifecycleService;
  intake: IntakeService;
  bookings: BookingService;
  /** A read of this ticket the transport started early, if any (saves a round trip on 查询). */
  prefetchedTicket?: (ticketNo: string) => Promise<Ticket | null> | undefined;
  logger: Logger;
}

/**
 * Reads the sender's dialogue. The bot starts this as soon as a frame
 * arrives, alongside storing it in the inbox, when no earlier message of the
 * same conversation is queued in this process or in a turn that has not yet
 * stored its dialogue state ("settled", bot/inbox.ts), so the read cannot
 * miss that message's write: one database round trip less per turn.
 */
export function loadDialogue(db: Db, msg: InboundMessage): Promise<Dialogue | null> {
  return dialogueModel(db)
    .findById(dialogueKey(msg.conversationId, msg.senderUserId))
    .lean()
    .exec() as Promise<Dialogue | null>;
}

export async function handleTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  prefetched?: Promise<Dialogue | null>,
): Promise<OutMessage[]> {
  const who: WhoIs = msg.senderUserId ? await deps.directory.whoIs(msg.senderUserId) : { kind: 'unknown' };
  switch (who.kind) {
    case 'unknown':
      return [replies.unregistered()];
    case 'staff':
      return staffTurn(deps, msg, who);
    case 'contact':
      return customerTurn(deps, msg, who, prefetched);
  }
}

async function staffTurn(deps: ConversationDeps, msg: InboundMessage, who: Staff): Promise<OutMessage[]> {
  const parsed = parseTicketCommand(msg.text);
  if (parsed && !parsed.ok) return [{ type: 'text', content: parsed.usage }];
  if (parsed?.ok) {
    const actor = {
      kind: 'staff' as const,
      userId: who.staff.userId,
      name: who.staff.name,
      roles: who.staff.roles,
    };
    return runStaffCommand(deps, msg, actor, parsed.command);
  }
  const booking = await staffBookingCommand(deps, who, normalise(msg.text), deps.now());
  if (booking) return booking;
  const intent = parseIntent(msg.text);
  if (intent.kind === 'query') return query(deps, intent.ticketNo, { kind: 'staff' });
  return [replies.staffHelp()];
}

type Contact = Extract<WhoIs, { kind: 'contact' }>;
type Staff = Extract<WhoIs, { kind: 'staff' }>;

async function customerTurn(
  deps: ConversationDeps,
  msg: InboundMessage,
  who: Contact,
  prefetched: Promise<Dialogue | null> | undefined,
): Promise<OutMessage[]> {
  const Dialogues = dialogueModel(deps.db);
  const key = dialogueKey(msg.conversationId, msg.senderUserId);
  const saved = await (prefetched ?? loadDialogue(deps.db, msg));
  if (saved?.lastMsgId === msg.msgId) return saved.lastReplies; // this turn already ran

  const now = deps.now();
  let state: DialogueState = saved?.state ?? { kind: 'idle' };
  if (
    state.kind !== 'idle' &&
    now.getTime() - new Date(state.startedAt).getTime() > deps.settings.dialogueTimeoutMs
  ) {
    state = { kind: 'idle' };
  }
  const turn = await customerStep(deps, msg, who, state, now);

  // Only turns that start, continue or end a dialogue are written. Turns
  // outside one can simply run again: they only read, or file a ticket, which
  // the ticket's unique source key makes idempotent.
  if (turn.state.kind !== 'idle' || (saved?.state.kind ?? 'idle') !== 'idle') {
    await Dialogues.updateOne(
      { _id: key },
      { $set: { state: turn.state, lastMsgId: msg.msgId, lastReplies: turn.replies, updatedAt: now } },
      { upsert: true },
    );
  }
  return turn.replies;
}

interface Step {
  state: DialogueState;
  replies: OutMessage[];
}

async function customerStep(
  deps: ConversationDeps,
  msg: InboundMessage,
  who: Contact,
  state: DialogueState,
  now: Date,
): Promise<Step> {
  const viewer: Viewer = { kind: 'contact', orgId: who.organisation.id };
  if (msg.text === '' && msg.attachments.length > 0 && state.kind === 'idle') {
    const actor = { kind: 'customer' as const, userId: who.contact.userId, name: who.contact.name };
    const kept = await customerFollowUp(deps, msg, actor, who.organisation.id, undefined);
    return { state, replies: kept ?? [replies.attachmentOutsideTicket()] };
  }
  const intent: Intent = parseIntent(msg.text);

  if (state.kind === 'filing') {
    const reminder = replies.stillFiling(state.step);
    switch (intent.kind) {
      case 'cancel':
        return { state: { kind: 'idle' }, replies: [replies.cancelled(true)] };
      case 'help':
        return { state, replies: [replies.customerHelp(), reminder] };
      case 'myTickets':
        return { state, replies: [...(await myTickets(deps, who)), reminder] };
      case 'query':
        return { state, replies: [...(await query(deps, intent.ticketNo, viewer)), reminder] };
      case 'fileTicket':
        return advance(deps, msg, who, draftFromSentence(intent.text, deps.settings.productLines), now);
      default: {
        const result = answer(state.draft, state.step, msg.text, deps.settings.productLines);
        if (!result.ok)
          return { state, replies: [replies.invalidAnswer(result.problem, deps.settings.productLines)] };
        return advance(deps, msg, who, result.draft, now, state.startedAt);
      }
    }
  }

  if (state.kind === 'booking' || state.kind === 'rescheduling') {
    switch (intent.kind) {
      case 'cancel':
        return { state: { kind: 'idle' }, replies: [replies.cancelled(true)] };
      case 'help':
        return { state, replies: [replies.customerHelp(), stillBooking()] };
      case 'myTickets':
        return { state, replies: [...(await myTickets(deps, who)), stillBooking()] };
      case 'query':
        return { state, replies: [...(await query(deps, intent.ticketNo, viewer)), stillBooking()] };
      default: {
        if (isBookingIntent(intent)) return bookingCommand(deps, msg, who, intent, now);
        const answered = await bookingAnswer(deps, who, state, normalise(msg.text), now);
        if (answered) return answered;
        if (intent.kind === 'fileTicket' || intent.kind === 'describeProblem') {
          state = { kind: 'idle' }; // a problem report leaves the booking
          break;
        }
        return { state, replies: [stillBooking()] };
      }
    }
  }
  if (isBookingIntent(intent)) return bookingCommand(deps, msg, who, intent, now);

  // Commands about an existing ticket (card buttons send them), and answers to an open question.
  const actor = { kind: 'customer' as const, userId: who.contact.userId, name: who.contact.name };
  const parsed = parseTicketCommand(msg.text);
  if (parsed && !parsed.ok) return { state, replies: [{ type: 'text', content: parsed.usage }] };
  if (parsed?.ok)
    return { state, replies: await runCustomerCommand(deps, actor, who.organisation.id, parsed.command) };
  if (intent.kind === 'unknown' || intent.kind === 'describeProblem' || msg.attachments.length > 0) {
    const named = findTicketNo(msg.text);
    const followUp = await customerFollowUp(deps, msg, actor, who.organisation.id, named);
    if (followUp) return { state, replies: followUp };
  }

  switch (intent.kind) {
    case 'cancel':
      return { state, replies: [replies.cancelled(false)] };
    case 'help':
      return { state, replies: [replies.customerHelp()] };
    case 'myTickets':
      return { state, replies: await myTickets(deps, who) };
    case 'query':
      return { state, replies: await query(deps, intent.ticketNo, viewer) };
    case 'fileTicket':
      return advance(
        deps,
        msg,
        who,
        withDefaults(draftFromSentence(intent.text, deps.settings.productLines), who.organisation),
        now,
      );
    case 'describeProblem':
      return advance(deps, msg, who, withDefaults({ description: intent.text }, who.organisation), now);
    case 'unknown':
      return { state, replies: [replies.unknownMessage()] };
  }
}

function stillBooking(): OutMessage {
  return {
    type: 'text',
    content: '请点选上面的时段，或回复想要的时间（如“明天下午”）；回复“取消”退出预约。',
  };
}

/** A customer licensed for one product line is not asked which one. */
function withDefaults(draft: FilingDraft, org: Organisation): FilingDraft {
  if (draft.productLine) return draft;
  const lines = [...new Set(org.licences.map((l) => l.productLine))];
  return lines.length === 1 ? { ...draft, productLine: lines[0]! } : draft;
}

async function advance(
  deps: ConversationDeps,
  msg: InboundMessage,
  who: Contact,
  draft: FilingDraft,
  now: Date,
  startedAt: Date = now,
): Promise<Step> {
  const step = nextStep(draft);
  if (step !== 'complete') {
    const licensed = who.organisation.licences.map((l) => l.productLine);
    return {
      state: { kind: 'filing', step, draft, startedAt },
      replies: [replies.question(step, deps.settings.productLines, licensed)],
    };
  }
  const { ticket, promise } = await file(deps, msg, who, draft as Required<FilingDraft>, now);
  return {
    state: { kind: 'idle' },
    replies: [replies.ticketFiled(ticket, replies.responsePromise(promise))],
  };
}

async function file(
  deps: ConversationDeps,
  msg: InboundMessage,
  who: Contact,
  draft: Required<FilingDraft>,
  now: Date,
): Promise<{ ticket: Ticket; promise: string }> {
  return deps.intake.file({
    contactUserId: who.contact.userId,
    productLine: draft.productLine,
    level: draft.level,
    description: draft.description,
    channel: 'dingtalk',
    sourceKey: `dingtalk:${msg.msgId}`,
    conversationId: msg.conversationId,
    now,
  });
}

async function myTickets(deps: ConversationDeps, who: Contact): Promise<OutMessage[]> {
  return [replies.ticketList(await listOpenTickets(deps.db, who.organisation.id))];
}

async function query(
  deps: ConversationDeps,
  ticketNo: string | undefined,
  viewer: Viewer,
): Promise<OutMessage[]> {
  if (!ticketNo) return [replies.queryNeedsNumber()];
  try {
    const ticket = await getTicketFor(deps.db, ticketNo, viewer, deps.prefetchedTicket?.(ticketNo));
    return [replies.ticketDetail(ticket, await deps.sla.statusLines(ticket, deps.now()))];
  } catch (err) {
    if (isDomainError(err) && err.code === 'notFound') return [replies.ticketNotFound(ticketNo)];
    throw err;
  }
}
