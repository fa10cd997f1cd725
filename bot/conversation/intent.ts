import { findTicketNo } from '../../shared/ticket/number.ts';

/**
 * What a chat message asks for, decided from its text alone (pure). The
 * dialogue state decides what a message means when it is an answer to a
 * question (see conversation.ts); this is for messages outside a dialogue.
 */
export type Intent =
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'fileTicket'; text: string }
  | { kind: 'myTickets' }
  | { kind: 'query'; ticketNo: string | undefined }
  | { kind: 'describeProblem'; text: string }
  /** 预约 …, or a sentence asking for an appointment ("下周二上午想约远程支持"). */
  | { kind: 'book'; text: string }
  | { kind: 'myBookings' }
  /** A slot button: 确认预约 <type name> <YYYY-MM-DD HH:mm> [ticket]. */
  | { kind: 'confirmBooking'; typeName: string; start: Date; ticketNo: string | undefined }
  | { kind: 'reschedule'; bookingId: string | undefined; text: string }
  /** A slot button while rescheduling: 确认改约 <booking> <YYYY-MM-DD HH:mm>. */
  | { kind: 'confirmReschedule'; bookingId: string; start: Date }
  | { kind: 'cancelBooking'; bookingId: string | undefined }
  | { kind: 'unknown'; text: string };

const cancelWords = /^(取消|退出|算了|不用了|cancel|quit)$/i;
const helpWords = /^(帮助|help|\?|？|菜单|menu|你好|您好|hi|hello|在吗)$/i;
const fileWords = /^(报障|报修|报故障|提交工单|新建工单|提问题|我要报障|new ticket|report)/i;
const myTicketsWords = /^(我的工单|工单列表|我的问题|my tickets)$/i;
const queryWords = /^(查询|查看|进度|query|status)/i;
const myBookingsWords = /^(我的预约|预约列表|查看预约|my bookings)$/i;
const bookCommand = /^(预约|服务预约|我要预约|预定|book)/i;
// "想约远程支持", "明天约个现场" — but not "大约一个小时前开始报错".
const bookSentence = /(想约|要约|约[个一下]|预约).*(远程|现场|上门|咨询|电话|培训|巡检|工程师|服务|支持)/;
const bookingIdPattern = /\bBK-[A-Z0-9]{8}\b/i;
const localDateTime = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/;

// Words that make a free sentence look like a problem report.
const problemWords =
  /(报错|错误|异常|失败|无法|不能|打不开|登录不了|登不上|进不去|卡死|很慢|变慢|崩溃|瘫痪|故障|问题|bug|error|500|404|超时|白屏|乱码)/i;

export function parseIntent(raw: string): Intent {
  const text = normalise(raw);
  if (text === '') return { kind: 'help' };
  if (cancelWords.test(text)) return { kind: 'cancel' };
  if (helpWords.test(text)) return { kind: 'help' };
  if (myTicketsWords.test(text)) return { kind: 'myTickets' };
  if (fileWords.test(text)) return { kind: 'fileTicket', text };
  const booking = parseBookingIntent(text);
  if (booking) return booking;
  if (queryWords.test(text)) return { kind: 'query', ticketNo: findTicketNo(text) };
  const no = findTicketNo(text);
  if (no && text.length <= no.length + 4) return { kind: 'query', ticketNo: no };
  if (text.length >= 6 && problemWords.test(text)) return { kind: 'describeProblem', text };
  return { kind: 'unknown', text };
}

/** Trims, collapses whitespace (full-width too) and drops a leading @mention. */
export function normalise(raw: string): string {
  return raw
    .replace(/\u3000/g, ' ')
    .replace(/^\s*@\S+\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The booking commands (服务预约); undefined when the text is not about a booking. */
function parseBookingIntent(text: string): Intent | undefined {
  if (myBookingsWords.test(text)) return { kind: 'myBookings' };
  const bookingId = text.match(bookingIdPattern)?.[0]?.toUpperCase();
  if (text.startsWith('确认预约')) {
    const start = shanghaiLocal(text);
    const typeName = text.slice(4).trim().split(' ')[0] ?? '';
    if (start && typeName) return { kind: 'confirmBooking', typeName, start, ticketNo: findTicketNo(text) };
  }
  if (text.startsWith('确认改约') && bookingId) {
    const start = shanghaiLocal(text);
    if (start) return { kind: 'confirmReschedule', bookingId, start };
  }
  if (/^(改约|改期|修改预约|更改预约|reschedule)/i.test(text)) {
    return {
      kind: 'reschedule',
      bookingId,
      text: text.replace(bookingIdPattern, ' ').replace(/\s+/g, ' ').trim(),
    };
  }
  if (/^(取消预约|撤销预约|cancel booking)/i.test(text)) return { kind: 'cancelBooking', bookingId };
  if (bookCommand.test(text)) return { kind: 'book', text };
  if (bookSentence.test(text) && !problemWords.test(text)) return { kind: 'book', text };
  return undefined;
}

/** "2026-12-03 10:00" in the text, read as Beijing time. */
function shanghaiLocal(text: string): Date | undefined {
  const m = text.match(localDateTime);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h - 8, mi));
  return Number.isNaN(at.getTime()) || h > 23 || mi > 59 ? undefined : at;
}

/** The form a slot button sends back: "2026-12-03 10:00" (Beijing time). */
export function formatShanghaiLocal(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
