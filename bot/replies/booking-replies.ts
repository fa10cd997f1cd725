import type { Booking } from '../../server/bookings/booking-model.ts';
import { bookingLines, joinInfo } from '../../server/bookings/booking-notices.ts';
import { type OutMessage, quickReply } from '../../server/dingtalk/message.ts';
import type { BookingConfig, BookingType } from '../../shared/booking/booking-types.ts';
import type { FreeSlot } from '../../shared/booking/slots.ts';
import { defaultHotline } from '../../shared/catalog.ts';
import { formatBeijingDateTime, formatDuration } from '../../shared/sla/promise-text.ts';
import { formatShanghaiLocal } from '../conversation/intent.ts';

/** What the bot says about bookings (服务预约), zh-CN. Buttons send the command back as text. */

const weekdays = ['日', '一', '二', '三', '四', '五', '六'];

/** "12月3日（周四）10:00–11:00", Beijing time. */
export function slotLabel(start: Date, end: Date): string {
  const local = new Date(start.getTime() + 8 * 3_600_000);
  const endLocal = formatShanghaiLocal(end).slice(11);
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日（周${weekdays[local.getUTCDay()]}）${formatShanghaiLocal(start).slice(11)}–${endLocal}`;
}

export function askType(types: readonly BookingType[]): OutMessage {
  const enabled = types.filter((t) => t.enabled);
  return {
    type: 'actionCard',
    title: '服务预约',
    text: [
      '### 请选择预约类型',
      ...enabled.map((t) => `- **${t.nameZh}**：约 ${t.durationMinutes} 分钟`),
      '',
      '也可以直接说时间和类型，例如“下周二上午约远程支持”。回复“取消”退出。',
    ].join('\n'),
    buttons: enabled.slice(0, 5).map((t) => quickReply(t.nameZh)),
  };
}

export function slotCard(opts: {
  type: BookingType;
  slots: readonly FreeSlot[];
  ticketNo: string | undefined;
  /** 确认预约 … (new booking) or 确认改约 <id> … (reschedule). */
  command: (slot: FreeSlot) => string;
  heading?: string;
  openTickets?: readonly string[];
  windowNote?: string;
}): OutMessage {
  const { type, slots } = opts;
  const lines = [
    `### ${opts.heading ?? `预约${type.nameZh}`}`,
    ...(opts.windowNote ? [opts.windowNote, ''] : []),
    `可预约的时段（约 ${type.durationMinutes} 分钟），点一下即可预约：`,
    ...slots.map((s) => `- ${slotLabel(s.start, s.end)}`),
    '',
    opts.ticketNo ? `关联工单：${opts.ticketNo}` : ticketHint(opts.openTickets ?? []),
    '想要其他时间，请直接回复，例如“明天下午”、“周五10点”、“下周二”。回复“取消”退出。',
  ];
  return {
    type: 'actionCard',
    title: '选择预约时段',
    text: lines.filter((l, i) => l !== '' || i > 0).join('\n'),
    buttons: slots.slice(0, 5).map((s) => quickReply(slotLabel(s.start, s.end), opts.command(s))),
  };
}

function ticketHint(openTickets: readonly string[]): string {
  if (openTickets.length === 0) return '本次预约不关联工单。';
  return `如需关联工单，请先回复工单号（如 ${openTickets[0]}），再选择时段。`;
}

export function confirmCommand(type: BookingType, slot: FreeSlot, ticketNo: string | undefined): string {
  return `确认预约 ${type.nameZh} ${formatShanghaiLocal(slot.start)}${ticketNo ? ` ${ticketNo}` : ''}`;
}

export function rescheduleCommand(bookingId: string, slot: FreeSlot): string {
  return `确认改约 ${bookingId} ${formatShanghaiLocal(slot.start)}`;
}

export function noSlots(type: BookingType, why: string): OutMessage {
  return {
    type: 'text',
    content: `${why}暂时没有可预约的${type.nameZh}时段。请换个时间试试（例如“下周”），或拨打服务热线 ${defaultHotline} 与我们约定。`,
  };
}

export function booked(
  booking: Booking,
  engineerPhone: string | undefined,
  config?: Pick<BookingConfig, 'reminderMinutesBefore' | 'noticeWorkingMinutes'>,
): OutMessage {
  const reminders = (config?.reminderMinutesBefore ?? []).map(reminderText);
  const notice = config ? formatDuration(config.noticeWorkingMinutes, 'working') : undefined;
  return {
    type: 'actionCard',
    title: '预约成功',
    text: [
      '### ✅ 预约成功',
      ...bookingLines(booking),
      `- 参加方式：${joinInfo(booking, engineerPhone)}`,
      '',
      ...(reminders.length > 0 ? [`我们会在${reminders.join('和')}提醒您。`] : []),
      ...(notice ? [`如需改约或取消，请至少在开始前 ${notice}操作。`] : []),
    ].join('\n'),
    buttons: [
      quickReply('改约', `改约 ${booking._id}`),
      quickReply('取消预约', `取消预约 ${booking._id}`),
      quickReply('我的预约'),
    ],
    horizontal: true,
  };
}

export function taken(
  type: BookingType,
  start: Date,
  alternatives: readonly FreeSlot[],
  command: (slot: FreeSlot) => string,
): OutMessage {
  const when = formatBeijingDateTime(start);
  if (alternatives.length === 0) {
    return {
      type: 'text',
      content: `抱歉，${when} 的时段刚刚已被预约，近期也没有其他空闲时段。请拨打服务热线 ${defaultHotline}。`,
    };
  }
  return {
    type: 'actionCard',
    title: '该时段已被预约',
    text: [
      `### 抱歉，${when} 的时段刚刚已被预约`,
      `最近的空闲时段（${type.nameZh}）：`,
      ...alternatives.map((s) => `- ${slotLabel(s.start, s.end)}`),
    ].join('\n'),
    buttons: alternatives.slice(0, 5).map((s) => quickReply(slotLabel(s.start, s.end), command(s))),
  };
}

export function bookingList(bookings: readonly Booking[]): OutMessage {
  if (bookings.length === 0) {
    return {
      type: 'actionCard',
      title: '我的预约',
      text: '### 我的预约\n目前没有待进行的预约。',
      buttons: [quickReply('预约服务', '预约')],
    };
  }
  const text = [
    '### 我的预约',
    ...bookings.flatMap((b, i) => [
      `**${i + 1}. ${slotLabel(b.start, b.end)} ${b.typeNameZh}**`,
      `预约号 ${b._id} · 工程师 ${b.engineerName}${b.ticketNo ? ` · 工单 ${b.ticketNo}` : ''} · 预约人 ${b.contactName}`,
      '',
    ]),
    '改约或取消：发送“改约 预约号”或“取消预约 预约号”。',
  ].join('\n');
  const first = bookings[0]!;
  return {
    type: 'actionCard',
    title: '我的预约',
    text,
    buttons:
      bookings.length === 1
        ? [quickReply('改约', `改约 ${first._id}`), quickReply('取消预约', `取消预约 ${first._id}`)]
        : bookings.slice(0, 5).map((b) => quickReply(`改约 ${slotLabel(b.start, b.end)}`, `改约 ${b._id}`)),
  };
}

export function whichBooking(bookings: readonly Booking[], verb: '改约' | '取消预约'): OutMessage {
  if (bookings.length === 0)
    return { type: 'text', content: '目前没有待进行的预约。发送“预约”可以预约服务。' };
  return {
    type: 'actionCard',
    title: verb,
    text: [
      `### 请选择要${verb === '改约' ? '改约' : '取消'}的预约`,
      ...bookings.map((b) => `- ${b._id} ${slotLabel(b.start, b.end)} ${b.typeNameZh}`),
    ].join('\n'),
    buttons: bookings.slice(0, 5).map((b) => quickReply(slotLabel(b.start, b.end), `${verb} ${b._id}`)),
  };
}

export function rescheduled(booking: Booking, engineerPhone: string | undefined): OutMessage {
  return {
    ...booked(booking, engineerPhone),
    title: '改约成功',
    text: [
      '### ✅ 改约成功',
      ...bookingLines(booking),
      `- 参加方式：${joinInfo(booking, engineerPhone)}`,
    ].join('\n'),
  } as OutMessage;
}

export function cancelledBooking(booking: Booking): OutMessage {
  return {
    type: 'actionCard',
    title: '预约已取消',
    text: ['### 预约已取消', ...bookingLines(booking)].join('\n'),
    buttons: [quickReply('重新预约', '预约')],
  };
}

export function notEntitled(message: string): OutMessage {
  return {
    type: 'text',
    content: `${message}。如需续约或咨询服务期，请联系您的客户经理或拨打服务热线 ${defaultHotline}。`,
  };
}

export function bookingProblem(message: string): OutMessage {
  return { type: 'text', content: `无法完成：${message}` };
}

export function staffBookingList(bookings: readonly Booking[]): OutMessage {
  if (bookings.length === 0) return { type: 'text', content: '您近期没有服务预约。' };
  return {
    type: 'markdown',
    title: '我的服务预约',
    text: [
      '### 我的服务预约',
      ...bookings.map(
        (b) =>
          `- ${slotLabel(b.start, b.end)} ${b.typeNameZh} · ${b.contactName} · ${b._id}${b.ticketNo ? ` · ${b.ticketNo}` : ''}`,
      ),
      '',
      '服务完成后发送“完成预约 预约号 分钟数 [说明]”登记远程服务记录。',
    ].join('\n'),
  };
}

export function sessionRecorded(booking: Booking): OutMessage {
  return {
    type: 'text',
    content: `已登记：预约 ${booking._id}（${booking.typeNameZh}）服务 ${booking.session?.minutes ?? 0} 分钟${booking.ticketNo ? `，已记入工单 ${booking.ticketNo} 的处理记录` : ''}。`,
  };
}

/** 1440 → "开始前一天", 30 → "开始前 30 分钟". */
function reminderText(minutes: number): string {
  if (minutes === 1440) return '开始前一天';
  if (minutes % 60 === 0) return `开始前 ${minutes / 60} 小时`;
  return `开始前 ${minutes} 分钟`;
}
