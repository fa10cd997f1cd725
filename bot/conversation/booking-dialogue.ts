import type { Booking } from '../../server/bookings/booking-model.ts';
import { SlotTakenError } from '../../server/bookings/booking-service.ts';
import type { OutMessage } from '../../server/dingtalk/message.ts';
import type { WhoIs } from '../../server/directory/directory-service.ts';
import { listOpenTickets } from '../../server/tickets/ticket-service.ts';
import type { BookingConfig, BookingType } from '../../shared/booking/booking-types.ts';
import { parseDatePhrase } from '../../shared/booking/date-phrases.ts';
import type { FreeSlot } from '../../shared/booking/slots.ts';
import { isDomainError } from '../../shared/errors.ts';
import { findTicketNo } from '../../shared/ticket/number.ts';
import type { InboundMessage } from '../inbound.ts';
import * as replies from '../replies/booking-replies.ts';
import type { ConversationDeps } from './conversation.ts';
import type { DialogueState } from './dialogue-model.ts';
import type { Intent } from './intent.ts';

/**
 * 服务预约 in chat: 预约 (or a sentence such as "下周二上午想约远程支持") → the type, if not
 * said → free slots as buttons (a date said narrows them; any later message with a date asks
 * again) → one tap books. 我的预约 lists, 改约 / 取消预约 change. A slot button carries the whole
 * request (type, start, ticket), so a tap works even after the dialogue timed out or restarted.
 */
type Contact = Extract<WhoIs, { kind: 'contact' }>;
type Staff = Extract<WhoIs, { kind: 'staff' }>;
type BookingIntent = Extract<
  Intent,
  { kind: 'book' | 'myBookings' | 'confirmBooking' | 'reschedule' | 'confirmReschedule' | 'cancelBooking' }
>;

export interface Step {
  state: DialogueState;
  replies: OutMessage[];
}

const idle: DialogueState = { kind: 'idle' };

export function isBookingIntent(intent: Intent): intent is BookingIntent {
  return [
    'book',
    'myBookings',
    'confirmBooking',
    'reschedule',
    'confirmReschedule',
    'cancelBooking',
  ].includes(intent.kind);
}

/** A booking command, from any state (buttons of old cards too). */
export async function bookingCommand(
  deps: ConversationDeps,
  msg: InboundMessage,
  who: Contact,
  intent: BookingIntent,
  now: Date,
): Promise<Step> {
  try {
    switch (intent.kind) {
      case 'myBookings':
        return {
          state: idle,
          replies: [replies.bookingList(await deps.bookings.upcomingForOrg(who.organisation.id, now))],
        };
      case 'book':
        return await startBooking(deps, who, intent.text, now);
      case 'confirmBooking':
        return await confirm(deps, msg, who, intent, now);
      case 'reschedule':
        return await startReschedule(deps, who, intent.bookingId, intent.text, now);
      case 'confirmReschedule':
        return await confirmReschedule(deps, who, intent.bookingId, intent.start, now);
      case 'cancelBooking':
        return await cancel(deps, who, intent.bookingId, now);
    }
  } catch (err) {
    return { state: idle, replies: [problemReply(err)] };
  }
}

/** A message inside a booking or rescheduling dialogue that is not a command of its own. */
export async function bookingAnswer(
  deps: ConversationDeps,
  who: Contact,
  state: Extract<DialogueState, { kind: 'booking' | 'rescheduling' }>,
  text: string,
  now: Date,
): Promise<Step | undefined> {
  try {
    if (state.kind === 'rescheduling') {
      const phrase = parseDatePhrase(text, now);
      if (phrase.kind === 'none') return undefined;
      return await startReschedule(deps, who, state.bookingId, text, now);
    }
    const config = await deps.bookings.config();
    const ticketNo = findTicketNo(text) ?? state.ticketNo;
    const type = typeNamed(config, text) ?? (state.typeKey ? enabledType(config, state.typeKey) : undefined);
    if (!type) {
      if (state.step === 'type') return { state, replies: [replies.askType(config.types)] };
      return undefined;
    }
    const phrase = parseDatePhrase(text, now);
    const said =
      typeNamed(config, text) !== undefined || findTicketNo(text) !== undefined || phrase.kind !== 'none';
    if (!said) return undefined;
    return await offerSlots(deps, who, type, ticketNo, phrase, now);
  } catch (err) {
    return { state: idle, replies: [problemReply(err)] };
  }
}

async function startBooking(deps: ConversationDeps, who: Contact, text: string, now: Date): Promise<Step> {
  deps.bookings.assertEntitled(who.organisation, now); // notEntitled → problemReply
  const config = await deps.bookings.config();
  const ticketNo = findTicketNo(text);
  const type = typeNamed(config, text);
  if (!type) {
    return {
      state: { kind: 'booking', step: 'type', ...(ticketNo ? { ticketNo } : {}), startedAt: now },
      replies: [replies.askType(config.types)],
    };
  }
  return offerSlots(deps, who, type, ticketNo, parseDatePhrase(text, now), now);
}

async function offerSlots(
  deps: ConversationDeps,
  who: Contact,
  type: BookingType,
  ticketNo: string | undefined,
  phrase: ReturnType<typeof parseDatePhrase>,
  now: Date,
): Promise<Step> {
  const window = windowOf(phrase);
  const [offer, open] = await Promise.all([
    deps.bookings.offer({ org: who.organisation, typeKey: type.key, ...window, now, limit: 5 }),
    ticketNo ? Promise.resolve([]) : listOpenTickets(deps.db, who.organisation.id, 3),
  ]);
  const state: DialogueState = {
    kind: 'booking',
    step: 'slot',
    typeKey: type.key,
    ...(ticketNo ? { ticketNo } : {}),
    startedAt: now,
  };
  const command = (s: FreeSlot) => replies.confirmCommand(type, s, ticketNo);
  const openTickets = open.map((t) => t._id);
  if (offer.slots.length > 0) {
    return {
      state,
      replies: [
        replies.slotCard({
          type,
          slots: offer.slots,
          ticketNo,
          command,
          openTickets,
          windowNote: windowNote(phrase, offer),
        }),
      ],
    };
  }
  // Nothing in the window asked for: say so and offer the earliest slots of the horizon.
  const why = whyEmpty(phrase, offer.clamped);
  const fallback = await deps.bookings.offer({ org: who.organisation, typeKey: type.key, now, limit: 5 });
  if (fallback.slots.length === 0) return { state: idle, replies: [replies.noSlots(type, why)] };
  return {
    state,
    replies: [
      replies.slotCard({
        type,
        slots: fallback.slots,
        ticketNo,
        command,
        openTickets,
        windowNote: `${why}没有空闲时段，以下是最早可预约的时段。`,
      }),
    ],
  };
}

async function confirm(
  deps: ConversationDeps,
  msg: InboundMessage,
  who: Contact,
  intent: Extract<Intent, { kind: 'confirmBooking' }>,
  now: Date,
): Promise<Step> {
  const config = await deps.bookings.config();
  const type = config.types.find((t) => t.nameZh === intent.typeName && t.enabled);
  if (!type) return { state: idle, replies: [replies.bookingProblem(`预约类型“${intent.typeName}”不可用`)] };
  try {
    const booking = await deps.bookings.book({
      org: who.organisation,
      contact: { userId: who.contact.userId, name: who.contact.name },
      typeKey: type.key,
      start: intent.start,
      ...(intent.ticketNo ? { ticketNo: intent.ticketNo } : {}),
      requestKey: `dingtalk:${msg.msgId}`,
      now,
    });
    return { state: idle, replies: [replies.booked(booking, await phoneOf(deps, booking), config)] };
  } catch (err) {
    if (err instanceof SlotTakenError) {
      return {
        state: {
          kind: 'booking',
          step: 'slot',
          typeKey: type.key,
          ...(intent.ticketNo ? { ticketNo: intent.ticketNo } : {}),
          startedAt: now,
        },
        replies: [
          replies.taken(type, err.start, err.alternatives, (s) =>
            replies.confirmCommand(type, s, intent.ticketNo),
          ),
        ],
      };
    }
    throw err;
  }
}

async function startReschedule(
  deps: ConversationDeps,
  who: Contact,
  bookingId: string | undefined,
  text: string,
  now: Date,
): Promise<Step> {
  const actor = customerActor(who);
  if (!bookingId) {
    const upcoming = await deps.bookings.upcomingForOrg(who.organisation.id, now);
    if (upcoming.length !== 1) return { state: idle, replies: [replies.whichBooking(upcoming, '改约')] };
    bookingId = upcoming[0]!._id;
  }
  const booking = await deps.bookings.getFor(bookingId, actor);
  if (booking.status !== 'booked') {
    return {
      state: idle,
      replies: [
        replies.bookingProblem(`预约 ${booking._id} ${booking.status === 'cancelled' ? '已取消' : '已完成'}`),
      ],
    };
  }
  const config = await deps.bookings.config();
  const type = config.types.find((t) => t.key === booking.typeKey);
  if (!type)
    return { state: idle, replies: [replies.bookingProblem(`预约类型 ${booking.typeNameZh} 已不存在`)] };
  const phrase = parseDatePhrase(text, now);
  const offer = await deps.bookings.offer({
    org: who.organisation,
    typeKey: type.key,
    ...windowOf(phrase),
    now,
    limit: 5,
    preferEngineerId: booking.engineerId,
    excludeBookingId: booking._id,
  });
  const state: DialogueState = { kind: 'rescheduling', bookingId: booking._id, startedAt: now };
  if (offer.slots.length === 0) {
    return { state, replies: [replies.noSlots(type, whyEmpty(phrase, offer.clamped))] };
  }
  return {
    state,
    replies: [
      replies.slotCard({
        type,
        slots: offer.slots,
        ticketNo: booking.ticketNo,
        command: (s) => replies.rescheduleCommand(booking._id, s),
        heading: `改约 ${booking._id}（原定 ${replies.slotLabel(booking.start, booking.end)}）`,
        windowNote: windowNote(phrase, offer),
      }),
    ],
  };
}

async function confirmReschedule(
  deps: ConversationDeps,
  who: Contact,
  bookingId: string,
  start: Date,
  now: Date,
): Promise<Step> {
  try {
    const booking = await deps.bookings.reschedule({ bookingId, actor: customerActor(who), start, now });
    return { state: idle, replies: [replies.rescheduled(booking, await phoneOf(deps, booking))] };
  } catch (err) {
    if (err instanceof SlotTakenError) {
      const config = await deps.bookings.config();
      const booking = await deps.bookings.getFor(bookingId, customerActor(who));
      const type = config.types.find((t) => t.key === booking.typeKey)!;
      return {
        state: { kind: 'rescheduling', bookingId, startedAt: now },
        replies: [
          replies.taken(type, err.start, err.alternatives, (s) => replies.rescheduleCommand(bookingId, s)),
        ],
      };
    }
    throw err;
  }
}

async function cancel(
  deps: ConversationDeps,
  who: Contact,
  bookingId: string | undefined,
  now: Date,
): Promise<Step> {
  if (!bookingId) {
    const upcoming = await deps.bookings.upcomingForOrg(who.organisation.id, now);
    return { state: idle, replies: [replies.whichBooking(upcoming, '取消预约')] };
  }
  const booking = await deps.bookings.cancel({ bookingId, actor: customerActor(who), now });
  return { state: idle, replies: [replies.cancelledBooking(booking)] };
}

// ---- staff ----------------------------------------------------------------------------------

/** Engineers: 我的预约 (their own upcoming bookings), 完成预约 <id> <minutes> [note]. */
export async function staffBookingCommand(
  deps: ConversationDeps,
  who: Staff,
  text: string,
  now: Date,
): Promise<OutMessage[] | undefined> {
  if (/^(我的预约|预约列表|my bookings)$/i.test(text)) {
    const list = await deps.bookings.list({
      from: now,
      to: new Date(now.getTime() + 60 * 86_400_000),
      engineerId: who.staff.userId,
      status: 'booked',
    });
    return [replies.staffBookingList(list)];
  }
  const m = text.match(/^完成预约\s+(BK-[A-Z0-9]{8})\s+(\d{1,4})\s*(?:分钟)?\s*(.*)$/i);
  if (/^完成预约/.test(text) && !m) {
    return [
      {
        type: 'text',
        content: '用法：完成预约 <预约号> <分钟数> [说明]，例如“完成预约 BK-7K3D9QXA 45 已远程修复”',
      },
    ];
  }
  if (!m) return undefined;
  try {
    const booking = await deps.bookings.recordSession({
      bookingId: m[1]!.toUpperCase(),
      staff: { userId: who.staff.userId, name: who.staff.name, roles: who.staff.roles },
      minutes: Number(m[2]),
      ...(m[3] ? { note: m[3] } : {}),
      now,
    });
    return [replies.sessionRecorded(booking)];
  } catch (err) {
    return [problemReply(err)];
  }
}

// ---- helpers --------------------------------------------------------------------------------

const typeWords: Array<[RegExp, string]> = [
  [/现场|上门|到场/, 'onSite'],
  [/培训/, 'training'],
  [/巡检/, 'inspectionCall'],
  [/咨询|电话/, 'consultation'],
  [/远程|视频|远控/, 'remoteSupport'],
];

/** The enabled type the text names: its Chinese name, or a word for one of the default types. */
function typeNamed(config: BookingConfig, text: string): BookingType | undefined {
  const enabled = config.types.filter((t) => t.enabled);
  const byName = enabled.find(
    (t) => text.includes(t.nameZh) || text.toLowerCase().includes(t.nameEn.toLowerCase()),
  );
  if (byName) return byName;
  for (const [words, key] of typeWords) {
    if (words.test(text)) {
      const type = enabled.find((t) => t.key === key);
      if (type) return type;
    }
  }
  return undefined;
}

function enabledType(config: BookingConfig, key: string): BookingType | undefined {
  return config.types.find((t) => t.key === key && t.enabled);
}

function windowOf(phrase: ReturnType<typeof parseDatePhrase>): { from?: Date; to?: Date } {
  switch (phrase.kind) {
    case 'none':
      return {};
    case 'window':
      return { from: phrase.from, to: phrase.to };
    case 'instant':
      // From the time said on: that slot first if it is free, the next ones after it.
      return { from: phrase.at };
  }
}

function windowNote(
  phrase: ReturnType<typeof parseDatePhrase>,
  offer: { slots: readonly FreeSlot[] },
): string | undefined {
  if (phrase.kind === 'none') return undefined;
  if (phrase.kind === 'instant') {
    const first = offer.slots[0];
    return first && first.start.getTime() === phrase.at.getTime()
      ? `您要的“${phrase.match.text}”可以预约。`
      : `“${phrase.match.text}”已约满或不在工作时间，以下是之后最近的时段。`;
  }
  return `“${phrase.match.text}”的空闲时段：`;
}

function whyEmpty(phrase: ReturnType<typeof parseDatePhrase>, clamped: string): string {
  const said = phrase.kind === 'none' ? '' : `“${phrase.match.text}”`;
  if (clamped === 'beforeNotice') return `${said}距现在不足预约提前量（或已过去），`;
  if (clamped === 'beyondHorizon') return `${said}超出了可预约的范围，`;
  return said ? `${said}` : '';
}

function customerActor(who: Contact) {
  return {
    kind: 'customer' as const,
    userId: who.contact.userId,
    name: who.contact.name,
    orgId: who.organisation.id,
  };
}

async function phoneOf(deps: ConversationDeps, booking: Booking): Promise<string | undefined> {
  const who = await deps.directory.whoIs(booking.engineerId);
  return who.kind === 'staff' ? who.staff.phone : undefined;
}

function problemReply(err: unknown): OutMessage {
  if (!isDomainError(err)) throw err;
  if (err.code === 'notEntitled') return replies.notEntitled(err.message);
  return replies.bookingProblem(err.message);
}
