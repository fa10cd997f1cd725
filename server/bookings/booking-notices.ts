import { formatBeijingDateTime } from '../../shared/sla/promise-text.ts';
import type { OutMessage } from '../dingtalk/message.ts';
import type { Notice } from '../notifications/outbox.ts';
import type { Booking } from './booking-model.ts';

/**
 * What the product sends around a booking, as outbox items with dedupe keys: the engineer's work
 * notification and calendar event after each change, the customer's notice when staff changed
 * the booking, and reminders to both sides. Keys carry the booking version (changes) or start and
 * offset (reminders), so each is sent once however often its cause is handled.
 */
export type BookingNoticeEvent =
  | { kind: 'booked' }
  | { kind: 'rescheduled'; previous: Booking; byStaff?: boolean }
  | { kind: 'cancelled'; byStaff?: boolean; reason?: string }
  | { kind: 'reminder'; minutesBefore: number };

export function bookingNotices(
  booking: Booking,
  event: BookingNoticeEvent,
): Array<{ key: string; notice: Notice }> {
  const v = `${booking._id}:v${booking.version}`;
  const calendar = {
    key: `booking-calendar:${v}`,
    notice: { kind: 'bookingCalendar', bookingId: booking._id } as const,
  };
  switch (event.kind) {
    case 'booked':
      return [
        workNotice(`booking-engineer:${v}`, booking.engineerId, engineerCard('新的服务预约', booking)),
        calendar,
      ];
    case 'rescheduled': {
      const items = [
        workNotice(
          `booking-engineer:${v}`,
          booking.engineerId,
          engineerCard('服务预约已改期', booking, `原定 ${formatBeijingDateTime(event.previous.start)}`),
        ),
        calendar,
      ];
      if (event.previous.engineerId !== booking.engineerId) {
        items.push(
          workNotice(
            `booking-engineer-released:${v}`,
            event.previous.engineerId,
            engineerCard(
              '服务预约已改由他人承接',
              event.previous,
              `改期至 ${formatBeijingDateTime(booking.start)}，由 ${booking.engineerName} 承接`,
            ),
          ),
        );
      }
      if (event.byStaff) items.push(customerNotice(`booking-customer:${v}`, booking, '您的服务预约已调整'));
      return items;
    }
    case 'cancelled': {
      const items = [
        workNotice(`booking-engineer:${v}`, booking.engineerId, engineerCard('服务预约已取消', booking)),
        calendar,
      ];
      if (event.byStaff) {
        const why = event.reason ? [`- 原因：${event.reason}`] : [];
        items.push(customerNotice(`booking-customer:${v}`, booking, '您的服务预约已取消', why));
      }
      return items;
    }
    case 'reminder': {
      const when = `${booking._id}:${booking.start.toISOString()}:${event.minutesBefore}`;
      const lead = leadText(event.minutesBefore);
      return [
        customerNotice(`booking-reminder:${when}:customer`, booking, `服务预约提醒（${lead}）`),
        workNotice(
          `booking-reminder:${when}:engineer`,
          booking.engineerId,
          engineerCard(`服务预约提醒（${lead}）`, booking),
        ),
      ];
    }
  }
}

/** 1440 → "明天此时", 30 → "30 分钟后开始". */
function leadText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '明天此时开始' : `${minutes / 1440} 天后开始`;
  if (minutes % 60 === 0) return `${minutes / 60} 小时后开始`;
  return `${minutes} 分钟后开始`;
}

function workNotice(key: string, userId: string, message: OutMessage) {
  return { key, notice: { kind: 'workNotice', userIds: [userId], message } as Notice };
}

function customerNotice(key: string, booking: Booking, title: string, extra: string[] = []) {
  return {
    key,
    notice: {
      kind: 'users',
      userIds: [booking.contactUserId],
      message: customerCard(title, booking, extra),
    } as Notice,
  };
}

export function bookingLines(booking: Booking): string[] {
  return [
    `- 预约号：${booking._id}`,
    `- 类型：${booking.typeNameZh}`,
    `- 时间：${formatBeijingDateTime(booking.start)}–${formatBeijingDateTime(booking.end).slice(-5)}`,
    `- 工程师：${booking.engineerName}`,
    ...(booking.ticketNo ? [`- 工单：${booking.ticketNo}`] : []),
    ...(booking.status === 'cancelled' ? ['- 状态：已取消'] : []),
  ];
}

/** How the customer meets the engineer ("参加方式"). */
export function joinInfo(booking: Booking, engineerPhone?: string): string {
  if (booking.joinInfoZh) return booking.joinInfoZh;
  const phone = engineerPhone ? `（工程师电话 ${engineerPhone}）` : '';
  switch (booking.mode) {
    case 'remote':
      return `届时工程师将通过钉钉音视频通话联系您，请提前准备好远程环境${phone}`;
    case 'phone':
      return `届时工程师将致电您${phone}`;
    case 'onSite':
      return `工程师将按时到达贵单位现场${phone}`;
  }
}

function customerCard(title: string, booking: Booking, extra: string[] = []): OutMessage {
  const join = booking.status === 'booked' ? [`- 参加方式：${joinInfo(booking)}`] : [];
  return {
    type: 'markdown',
    title,
    text: [`### ${title}`, ...bookingLines(booking), ...join, ...extra].join('\n'),
  };
}

function engineerCard(title: string, booking: Booking, extra?: string): OutMessage {
  return {
    type: 'markdown',
    title,
    text: [
      `### ${title}`,
      ...bookingLines(booking),
      `- 客户：${booking.contactName}`,
      ...(booking.note ? [`- 说明：${booking.note}`] : []),
      ...(extra ? [`- ${extra}`] : []),
    ].join('\n'),
  };
}
