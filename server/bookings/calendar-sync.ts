import type { Db } from '../db/mongo.ts';
import type { CalendarEventSpec, DingTalkPort } from '../dingtalk/dingtalk-client.ts';
import { type Booking, bookingCalendarLinkModel, bookingModel } from './booking-model.ts';
import { bookingLines, joinInfo } from './booking-notices.ts';

/**
 * Makes the engineer's DingTalk calendar match the booking as it is now (an outbox notice,
 * `bookingCalendar`, retried until it succeeds): booked → an event in the engineer's calendar,
 * created once and updated after changes (moved to the new engineer's calendar when another one
 * took it over); cancelled → no event. Reading the booking at delivery time makes the outcome
 * independent of the order in which the notices of several changes are delivered.
 *
 * The link booking → event is stored after the create succeeded; a crash in between leaves one
 * event without a link, which the next sync cannot see (DingTalk has no idempotency key for
 * events): a rare duplicate entry in a calendar, never a missing one.
 */
export async function syncBookingCalendar(db: Db, dingtalk: DingTalkPort, bookingId: string): Promise<void> {
  const Links = bookingCalendarLinkModel(db);
  const [booking, link] = await Promise.all([
    bookingModel(db).findById(bookingId).lean() as Promise<Booking | null>,
    Links.findById(bookingId).lean(),
  ]);
  const wanted = booking && booking.status !== 'cancelled' ? booking : undefined;
  if (link && (!wanted || link.userId !== wanted.engineerId)) {
    await dingtalk.deleteCalendarEvent(link.userId, link.eventId);
    await Links.deleteOne({ _id: bookingId, eventId: link.eventId });
  }
  if (!wanted) return;
  const spec = eventOf(wanted);
  const now = new Date();
  if (link && link.userId === wanted.engineerId) {
    if (link.version >= wanted.version) return;
    await dingtalk.updateCalendarEvent(link.userId, link.eventId, spec);
    await Links.updateOne({ _id: bookingId }, { $set: { version: wanted.version, updatedAt: now } });
    return;
  }
  const eventId = await dingtalk.createCalendarEvent(wanted.engineerId, spec);
  await Links.updateOne(
    { _id: bookingId },
    { $set: { userId: wanted.engineerId, eventId, version: wanted.version, updatedAt: now } },
    { upsert: true },
  );
}

function eventOf(booking: Booking): CalendarEventSpec {
  return {
    summary: `【服务预约】${booking.typeNameZh} · ${booking.contactName}`,
    description: [
      ...bookingLines(booking),
      `- 客户：${booking.contactName}`,
      `- 参加方式：${joinInfo(booking)}`,
    ]
      .map((l) => l.replace(/^- /, ''))
      .join('\n'),
    start: booking.start,
    end: booking.end,
    ...(booking.mode === 'onSite' ? { location: '客户现场' } : {}),
  };
}
