import { dayNumberToIsoDate, isoWeekday, MS_PER_DAY, MS_PER_MINUTE } from '../calendar/local-date.ts';

/**
 * Free Chinese date/time phrases for bookings ("明天下午三点半", "周五10点", "下周二上午"),
 * resolved against `now` in Asia/Shanghai (UTC+8 all year). Pure: no clock, no process TZ.
 * The rules for ambiguous cases are listed in shared/booking/README.md; the short version:
 *
 * - A bare hour 1–6 means the afternoon (3点 = 15:00), 7–12 the morning/noon (10点 = 10:00),
 *   13–23 itself; "03:30" written with a leading zero is taken literally.
 * - Without a date, a time or part of day is the next one not yet over (10点 at 10:15 = tomorrow).
 * - A bare weekday (周五) is the next such day whose described time is not over: on a Friday,
 *   周五 = today, 周五10点 at 10:15 = next Friday. 本周五/这周五 = this ISO week (Mon–Sun), even
 *   if past; 下周五 = next week's; 下下周五 = the week after.
 * - A date without a year (12月3日, 12-03) is the next such date from today; a day of month alone
 *   (5号) is this month's or, if past, next month's. Impossible dates (2月30日) are not dates.
 * - Parts of day as windows: 上午/早上 09:00–12:00, 中午 11:00–14:00, 下午 13:00–18:00,
 *   傍晚 17:00–19:00, 晚上 18:00–24:00, 凌晨 00:00–06:00; a day alone is the whole day.
 * - The first phrase in the text wins; `match.rest` is the text without it.
 */

export interface PhraseMatch {
  /** UTF-16 offsets of the phrase in the input: text.slice(start, end) === this.text. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The input without the phrase (what the customer said besides the date). */
  readonly rest: string;
}

export type DatePhrase =
  | { readonly kind: 'instant'; readonly at: Date; readonly match: PhraseMatch }
  | { readonly kind: 'window'; readonly from: Date; readonly to: Date; readonly match: PhraseMatch }
  | { readonly kind: 'none' };

const OFFSET_MS = 8 * 60 * MS_PER_MINUTE;
const DAY_MIN = 24 * 60;

type Qualifier = 'am' | 'noon' | 'pm' | 'night' | 'early' | 'none';

interface Period {
  readonly qualifier: Qualifier;
  /** Window in minutes of the local day. */
  readonly from: number;
  readonly to: number;
}

const periods: Record<string, Period> = {
  上午: { qualifier: 'am', from: 9 * 60, to: 12 * 60 },
  早上: { qualifier: 'am', from: 9 * 60, to: 12 * 60 },
  早晨: { qualifier: 'am', from: 9 * 60, to: 12 * 60 },
  清晨: { qualifier: 'am', from: 9 * 60, to: 12 * 60 },
  中午: { qualifier: 'noon', from: 11 * 60, to: 14 * 60 },
  下午: { qualifier: 'pm', from: 13 * 60, to: 18 * 60 },
  午后: { qualifier: 'pm', from: 13 * 60, to: 18 * 60 },
  傍晚: { qualifier: 'pm', from: 17 * 60, to: 19 * 60 },
  晚上: { qualifier: 'night', from: 18 * 60, to: DAY_MIN },
  晚间: { qualifier: 'night', from: 18 * 60, to: DAY_MIN },
  夜里: { qualifier: 'night', from: 18 * 60, to: DAY_MIN },
  夜间: { qualifier: 'night', from: 18 * 60, to: DAY_MIN },
  凌晨: { qualifier: 'early', from: 0, to: 6 * 60 },
  全天: { qualifier: 'none', from: 0, to: DAY_MIN },
  整天: { qualifier: 'none', from: 0, to: DAY_MIN },
  一整天: { qualifier: 'none', from: 0, to: DAY_MIN },
};
const periodByShort: Record<string, Period> = { 早: periods.上午!, 晨: periods.上午!, 晚: periods.晚上! };

/** How a date without a year/month/week rolls forward when it is over. */
type Roll = 'none' | 'week' | 'month' | 'year';

type DatePart =
  | { readonly kind: 'day'; readonly day: number; readonly roll: Roll; readonly period?: Period }
  /** Day of month (roll 'month') or month + day (roll 'year') still to be placed in a month/year. */
  | { readonly kind: 'monthDay'; readonly month: number | undefined; readonly dom: number }
  | { readonly kind: 'days'; readonly from: number; readonly to: number }
  | { readonly kind: 'instant'; readonly ms: number };

interface Clock {
  /** Minutes of the local day, 0–1440 (晚上12点 = 1440 = next midnight). */
  readonly from: number;
  /** Set for a range (下午2点到4点). */
  readonly to?: number;
  /** 一点 alone ("快一点", "有一点") is more often "a little" than 1 o'clock. */
  readonly weak: boolean;
}

interface Scan<T> {
  readonly value: T;
  readonly end: number;
}

// Numbers -------------------------------------------------------------------------------------

const CN = '零〇一二两三四五六七八九十';
const NUM = `(?:\\d{1,2}|[${CN}]{1,3})`;
const cnDigit: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 0–39 from digits or Chinese numerals (十, 十一, 二十, 三十一, 两); undefined when not a number. */
export function parseSmallNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (text.length === 1) return text === '十' ? 10 : cnDigit[text];
  if (/^[零〇][一二三四五六七八九]$/.test(text)) return cnDigit[text[1]!]; // 两点零五
  const match = /^([一二三])?十([一二三四五六七八九])?$/.exec(text);
  if (!match) return undefined;
  return (match[1] ? cnDigit[match[1]]! : 1) * 10 + (match[2] ? cnDigit[match[2]]! : 0);
}

// Text normalisation (1:1 per UTF-16 unit, so offsets stay valid) ------------------------------

const oneToOne: Record<string, string> = {
  '：': ':',
  '／': '/',
  '－': '-',
  '～': '~',
  '　': ' ',
  點: '点',
  號: '号',
  週: '周',
  時: '时',
  後: '后',
  個: '个',
  兩: '两',
  鐘: '钟',
  這: '这',
  禮: '礼',
};

function normalise(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - 0xff10 + 48);
    else out += oneToOne[char] ?? char;
  }
  return out;
}

// Calendar arithmetic on local day numbers ----------------------------------------------------

function ymd(day: number): [number, number, number] {
  const iso = dayNumberToIsoDate(day);
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}

/** Day number of y-m-d, or undefined when the date does not exist (2月30日). */
function dayOfDate(year: number, month: number, dom: number): number | undefined {
  if (month < 1 || month > 12 || dom < 1 || dom > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, dom) / MS_PER_DAY;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** First day of the month `offset` months after the month of `day`. */
function monthStart(day: number, offset: number): number {
  const [y, m] = ymd(day);
  return Date.UTC(y, m - 1 + offset, 1) / MS_PER_DAY;
}

// Recognisers: each tries the text at one position and returns its value and end --------------

function at(pattern: string): (text: string, pos: number) => RegExpExecArray | null {
  const re = new RegExp(pattern, 'y');
  return (text, pos) => {
    re.lastIndex = pos;
    return re.exec(text);
  };
}

const WEEKDAY = '(一|二|三|四|五|六|日|天|[1-7])';
const WEEK = '(?:周|星期|礼拜)';
const AFTER = '(?:以后|之后|后)';
const weekOffsetOf = (prefix: string | undefined) =>
  prefix === undefined || /^(本|这)/.test(prefix) ? 0 : prefix.startsWith('下下') ? 2 : 1;
const monthOffsetOf = weekOffsetOf;

const reNamedDay = at('(大后天|后天|明天|明日|明儿|今天|今日|今儿)');
const reDayAndPeriod = at('(今|明)(早|晨|晚)');
const reRelative = at(`(过)?(${NUM}|\\d{3})(个)?(天|日|周|星期|礼拜|月)(${AFTER})?`);
const reRelativeTime = at(`(过)?(?:(${NUM}|\\d{3})(个)?(半)?|半个?)(小时|钟头|分钟)(${AFTER})?`);
const reWeekday = at(`(本|这个?|下下个?|下个?)?${WEEK}${WEEKDAY}`);
const reWeek = at(`(本|这个?|下下个?|下个?)${WEEK}`);
const reWeekend = at('(本|这个?|下下个?|下个?)?周末');
const reMonthEnd = at('(本|这个?|下下个?|下个?)?月(?:底|末)');
const reMonthDom = at(`(本|这个?|下下个?|下个?)月(?:份)?(${NUM})(?:日|号)`);
const reMonth = at('(本|这个?|下下个?|下个?)月(?:份)?');
const reIso = at('(\\d{4})[-/.年](\\d{1,2})[-/.月](\\d{1,2})(?:日|号)?(?!\\d)');
// A day in Chinese numerals needs 日/号 (十二月三日); "一月一次" is no date.
const reMonthDay = at(`(${NUM})月(\\d{1,2}(?!\\d)|[${CN}]{1,3}(?=日|号))(日|号)?`);
const reNumericMonthDay = at('(\\d{1,2})[-/](\\d{1,2})(?![\\d点时:/-])');
const reNamedMonth = at(`(${NUM})月份?(?![底末初\\d${CN}])`);
const reDom = at(`(${NUM})(?:日|号)(?!内|之内|以内|楼|线|机|房|位|院|码|单)`);

/** Date parts at `pos`, longest first wins; `invalid` when a date is written but does not exist. */
function scanDate(text: string, pos: number, today: number): Scan<DatePart> | 'invalid' | undefined {
  const found: Array<Scan<DatePart> | { invalid: true; end: number }> = [];
  const add = (m: RegExpExecArray | null, value: DatePart | undefined) => {
    if (m) found.push(value ? { value, end: pos + m[0].length } : { invalid: true, end: pos + m[0].length });
  };
  const [y, mo] = ymd(today);
  const monday = today - (isoWeekday(today) - 1);

  let m = reNamedDay(text, pos);
  if (m) {
    const offset = { 今天: 0, 今日: 0, 今儿: 0, 明天: 1, 明日: 1, 明儿: 1, 后天: 2, 大后天: 3 }[m[1]!] ?? 0;
    add(m, { kind: 'day', day: today + offset, roll: 'none' });
  }
  m = reDayAndPeriod(text, pos);
  if (m) {
    add(m, { kind: 'day', day: today + (m[1] === '明' ? 1 : 0), roll: 'none', period: periodByShort[m[2]!] });
  }
  m = reRelative(text, pos);
  if (m && (m[1] || m[5]) && !(m[3] && m[4] === '天')) {
    const n = parseSmallNumber(m[2]!) ?? (/^\d{3}$/.test(m[2]!) ? Number(m[2]) : undefined);
    const unit = m[4]!;
    if (n !== undefined) {
      if (unit === '月') {
        const first = monthStart(today, n);
        const [ty, tm] = ymd(first);
        const dom = Math.min(ymd(today)[2], daysInMonth(ty, tm));
        add(m, { kind: 'day', day: first + dom - 1, roll: 'none' });
      } else {
        add(m, { kind: 'day', day: today + n * (unit === '天' || unit === '日' ? 1 : 7), roll: 'none' });
      }
    }
  }
  m = reRelativeTime(text, pos);
  if (m && (m[1] || m[6])) {
    const n = m[2] === undefined ? 0 : (parseSmallNumber(m[2]) ?? Number(m[2]));
    const half = m[2] === undefined || m[4] !== undefined;
    const minutes = m[5] === '分钟' ? (half ? undefined : n) : n * 60 + (half ? 30 : 0);
    if (minutes !== undefined && Number.isFinite(minutes) && minutes > 0) {
      add(m, { kind: 'instant', ms: minutes * MS_PER_MINUTE });
    }
  }
  m = reWeekday(text, pos);
  if (m) {
    const wd = '一二三四五六'.indexOf(m[2]!) + 1 || (/[日天]/.test(m[2]!) ? 7 : Number(m[2]));
    if (m[1] === undefined) {
      add(m, { kind: 'day', day: today + ((wd - isoWeekday(today) + 7) % 7), roll: 'week' });
    } else {
      add(m, { kind: 'day', day: monday + 7 * weekOffsetOf(m[1]) + wd - 1, roll: 'none' });
    }
  }
  m = reWeek(text, pos);
  if (m) {
    const from = monday + 7 * weekOffsetOf(m[1]);
    add(m, { kind: 'days', from, to: from + 7 });
  }
  m = reWeekend(text, pos);
  if (m) {
    const from = monday + 7 * weekOffsetOf(m[1]) + 5;
    add(m, { kind: 'days', from, to: from + 2 });
  }
  m = reMonthEnd(text, pos);
  if (m) add(m, { kind: 'day', day: monthStart(today, monthOffsetOf(m[1]) + 1) - 1, roll: 'none' });
  m = reMonthDom(text, pos);
  if (m) {
    const first = monthStart(today, monthOffsetOf(m[1]));
    const [fy, fm] = ymd(first);
    const dom = parseSmallNumber(m[2]!);
    const day = dom === undefined ? undefined : dayOfDate(fy, fm, dom);
    add(m, day === undefined ? undefined : { kind: 'day', day, roll: 'none' });
  }
  m = reMonth(text, pos);
  if (m) {
    const from = monthStart(today, monthOffsetOf(m[1]));
    add(m, { kind: 'days', from, to: monthStart(from, 1) });
  }
  if (!numberContinues(text, pos)) {
    m = reIso(text, pos);
    if (m) {
      const day = dayOfDate(Number(m[1]), Number(m[2]), Number(m[3]));
      add(m, day === undefined ? undefined : { kind: 'day', day, roll: 'none' });
    }
    m = reMonthDay(text, pos) ?? reNumericMonthDay(text, pos);
    if (m) {
      const month = parseSmallNumber(m[1]!);
      const dom = parseSmallNumber(m[2]!);
      // 12月3 without 日/号 must not run into a clock (12月3点 is no date).
      const clockAfter = m[3] === undefined && /^[点时:]/.test(text.slice(pos + m[0].length));
      if (!clockAfter) {
        const valid = month !== undefined && dom !== undefined && dayOfDate(2024, month, dom) !== undefined;
        add(m, valid ? { kind: 'monthDay', month, dom } : undefined);
      }
    }
    m = reNamedMonth(text, pos);
    if (m) {
      const month = parseSmallNumber(m[1]!);
      if (month !== undefined && month >= 1 && month <= 12) {
        const from = Date.UTC(month >= mo ? y : y + 1, month - 1, 1) / MS_PER_DAY;
        add(m, { kind: 'days', from, to: monthStart(from, 1) });
      }
    }
    m = reDom(text, pos);
    if (m) {
      const dom = parseSmallNumber(m[1]!);
      add(
        m,
        dom !== undefined && dom >= 1 && dom <= 31 ? { kind: 'monthDay', month: undefined, dom } : undefined,
      );
    }
  }
  if (found.length === 0) return undefined;
  const best = found.reduce((a, b) => (b.end > a.end ? b : a));
  return 'invalid' in best ? 'invalid' : best;
}

/** Whether a number at `pos` would continue a number or identifier before it (EKP-12-03, v10:30). */
function numberContinues(text: string, pos: number): boolean {
  const before = text.slice(Math.max(0, pos - 2), pos);
  return /[0-9A-Za-z._]$/.test(before) || /[0-9A-Za-z][-/:]$/.test(before);
}

const rePeriod = at(
  Object.keys(periods)
    .sort((a, b) => b.length - a.length)
    .join('|'),
);

function scanPeriod(text: string, pos: number): Scan<Period> | undefined {
  const m = rePeriod(text, pos);
  return m ? { value: periods[m[0]]!, end: pos + m[0].length } : undefined;
}

const reColon = at('(\\d{1,2}):(\\d{2})(?!\\d)');
// Minutes after 点: 半, 一刻, 三刻, 整, two digits (10点30), two or three Chinese numerals (十点十五),
// or any number with 分 (10点5分): "10点一起" is not 10:01.
const reDian = at(
  `(${NUM})\\s*(?:点|时)(?:钟)?(?:(半)|(一刻|1刻)|(三刻|3刻)|(整)|(\\d{2}|[${CN}]{2,3})分?|(${NUM})分)?(?:钟)?`,
);
const reBareHour = at(`(${NUM})(?=\\s*(?:到|至|-|~|—)\\s*)`);
const reRangeSep = at('\\s*(?:到|至|-|~|—)\\s*');
const reAbout = at('\\s*(?:左右|之间)');
/** Words after "两点"/"三点" that make it a count ("两点建议"), not a time. */
const reCountNoun = at('(?:建议|问题|意见|内容|要求|说明|原因|需求|看法|注意|疑问)');

interface RawClock {
  readonly hour: number;
  readonly minute: number;
  /** Written "03:30": a leading zero means a 24-hour clock. */
  readonly literal: boolean;
  readonly weak: boolean;
  readonly end: number;
}

/** `second`: the end of a range (10:00-11:30), which follows a number by design. */
function scanRawClock(text: string, pos: number, second = false): RawClock | undefined {
  if (!second && (numberContinues(text, pos) || text[pos - 1] === '第')) return undefined;
  let m = reColon(text, pos);
  if (m) {
    return {
      hour: Number(m[1]),
      minute: Number(m[2]),
      literal: m[1]!.length === 2 && m[1]!.startsWith('0'),
      weak: false,
      end: pos + m[0].length,
    };
  }
  m = reDian(text, pos);
  if (!m) return undefined;
  const hour = parseSmallNumber(m[1]!);
  let minute = 0;
  if (m[2]) minute = 30;
  else if (m[3]) minute = 15;
  else if (m[4]) minute = 45;
  else if (m[6] !== undefined || m[7] !== undefined) {
    const parsed = parseSmallNumber((m[6] ?? m[7])!);
    if (parsed === undefined) return undefined;
    minute = parsed;
  }
  if (hour === undefined) return undefined;
  const end = pos + m[0].length;
  if (reCountNoun(text, end)) return undefined;
  const bareOne = m[1] === '一' && !m.slice(2, 8).some((g) => g !== undefined);
  return { hour, minute, literal: false, weak: bareOne, end };
}

/** Minutes of the day of an hour read with a part of day; undefined when impossible (25点, 10:75). */
function resolveHour(
  hour: number,
  minute: number,
  qualifier: Qualifier,
  literal = false,
): number | undefined {
  if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return undefined;
  let h = hour;
  switch (qualifier) {
    case 'am':
      break;
    case 'early':
      if (h === 12) h = 0;
      break;
    case 'noon':
      if (h >= 1 && h <= 5) h += 12;
      break;
    case 'pm':
      if (h >= 1 && h <= 11) h += 12;
      break;
    case 'night':
      if (h >= 1 && h <= 11) h += 12;
      else if (h === 12) h = 24;
      break;
    case 'none':
      if (!literal && h >= 1 && h <= 6) h += 12;
      break;
  }
  return h * 60 + minute;
}

function scanClock(text: string, pos: number, qualifier: Qualifier): Scan<Clock> | undefined {
  const first = scanRawClock(text, pos);
  const startMinutes = first && resolveHour(first.hour, first.minute, qualifier, first.literal);
  // A range: 下午2点到4点, 10点-11点半, 3-5点 (the first hour may omit 点 when the second has it).
  let startHour: { hour: number; minute: number; literal: boolean; end: number } | undefined = first;
  if (!startHour && !numberContinues(text, pos)) {
    const bare = reBareHour(text, pos);
    const hour = bare ? parseSmallNumber(bare[1]!) : undefined;
    if (bare && hour !== undefined)
      startHour = { hour, minute: 0, literal: false, end: pos + bare[0].length };
  }
  if (startHour) {
    const sep = reRangeSep(text, startHour.end);
    if (sep) {
      let next = startHour.end + sep[0].length;
      let endQualifier = qualifier;
      const period = scanPeriod(text, next);
      if (period) {
        endQualifier = period.value.qualifier;
        next = period.end;
      }
      const second = scanRawClock(text, next, true);
      const from = resolveHour(startHour.hour, startHour.minute, qualifier, startHour.literal);
      let to = second && resolveHour(second.hour, second.minute, endQualifier, second.literal);
      // 11点到1点: the end reads on the afternoon side when the plain reading would go backwards.
      if (to !== undefined && from !== undefined && to <= from && to + 12 * 60 <= DAY_MIN) to += 12 * 60;
      if (second && from !== undefined && to !== undefined && from < to) {
        const about = reAbout(text, second.end);
        return { value: { from, to, weak: false }, end: about ? second.end + about[0].length : second.end };
      }
    }
  }
  if (!first || startMinutes === undefined) return undefined;
  const about = reAbout(text, first.end);
  return {
    value: { from: startMinutes, weak: first.weak },
    end: about ? first.end + about[0].length : first.end,
  };
}

const reSeparator = at('[\\s的]+');

function skipSeparator(text: string, pos: number): number {
  const m = reSeparator(text, pos);
  return m ? pos + m[0].length : pos;
}

interface Expression {
  readonly end: number;
  readonly date: DatePart | undefined;
  readonly period: Period | undefined;
  readonly clock: Clock | undefined;
}

/** The longest expression at `pos`: [date] [part of day] [clock or clock range]. */
function scanExpression(text: string, pos: number, today: number): Expression | 'invalid' | undefined {
  const date = scanDate(text, pos, today);
  if (date === 'invalid') return 'invalid';
  let end = date?.end ?? pos;
  if (date && (date.value.kind === 'instant' || date.value.kind === 'days')) {
    return { end, date: date.value, period: undefined, clock: undefined };
  }
  if (date) {
    // A weekday written after a date (12月4日（周五）) belongs to it; it is not checked.
    const weekday = reTrailingWeekday(text, end);
    if (weekday) end += weekday[0].length;
  }
  let period = date?.value.kind === 'day' ? date.value.period : undefined;
  if (!period) {
    const found = scanPeriod(text, date ? skipSeparator(text, end) : pos);
    if (found) {
      period = found.value;
      end = found.end;
    }
  }
  let clock: Clock | undefined;
  const found = scanClock(text, date || period ? skipSeparator(text, end) : pos, period?.qualifier ?? 'none');
  if (found && !(found.value.weak && !date && !period)) {
    clock = found.value;
    end = found.end;
  }
  if (!date && !period && !clock) return undefined;
  return { end, date: date?.value, period, clock };
}

const reTrailingWeekday = at(`\\s*[（(]?${WEEK}${WEEKDAY}[）)]?`);

export function parseDatePhrase(text: string, now: Date): DatePhrase {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('invalid Date');
  const normal = normalise(text);
  const today = Math.floor((nowMs + OFFSET_MS) / MS_PER_DAY);
  for (let pos = 0; pos < normal.length; pos++) {
    const expression = scanExpression(normal, pos, today);
    if (expression === undefined) continue;
    // An impossible date (2月30日) is not read as something else ("30日", or a later "下午").
    if (expression === 'invalid') return { kind: 'none' };
    const resolved = resolve(expression, today, nowMs);
    if (!resolved) continue;
    const match: PhraseMatch = {
      start: pos,
      end: expression.end,
      text: text.slice(pos, expression.end),
      rest: joinRest(text.slice(0, pos), text.slice(expression.end)),
    };
    return resolved.kind === 'instant'
      ? { kind: 'instant', at: new Date(resolved.at), match }
      : { kind: 'window', from: new Date(resolved.from), to: new Date(resolved.to), match };
  }
  return { kind: 'none' };
}

type Resolved = { kind: 'instant'; at: number } | { kind: 'window'; from: number; to: number };

function resolve(expression: Expression, today: number, nowMs: number): Resolved | undefined {
  const { date, period, clock } = expression;
  if (date?.kind === 'instant') return { kind: 'instant', at: nowMs + date.ms };
  if (date?.kind === 'days') {
    return { kind: 'window', from: midnight(date.from), to: midnight(date.to) };
  }
  const on = (day: number): Resolved => {
    const base = midnight(day);
    if (clock?.to !== undefined) {
      return { kind: 'window', from: base + clock.from * MS_PER_MINUTE, to: base + clock.to * MS_PER_MINUTE };
    }
    if (clock) return { kind: 'instant', at: base + clock.from * MS_PER_MINUTE };
    if (period) {
      return {
        kind: 'window',
        from: base + period.from * MS_PER_MINUTE,
        to: base + period.to * MS_PER_MINUTE,
      };
    }
    return { kind: 'window', from: base, to: base + MS_PER_DAY };
  };
  const over = (r: Resolved) => (r.kind === 'instant' ? r.at : r.to) <= nowMs;

  if (date === undefined) {
    const result = on(today);
    return over(result) ? on(today + 1) : result;
  }
  if (date.kind === 'monthDay') {
    const day = placeMonthDay(date.month, date.dom, today);
    return day === undefined ? undefined : on(day);
  }
  const result = on(date.day);
  return date.roll === 'week' && over(result) ? on(date.day + 7) : result;
}

/** The next day ≥ today with that month and day (the next year's when passed; 2月29日 waits for a leap year). */
function placeMonthDay(month: number | undefined, dom: number, today: number): number | undefined {
  const [y, m] = ymd(today);
  for (let i = 0; i < (month === undefined ? 13 : 9); i++) {
    const day =
      month === undefined
        ? dayOfDate(new Date(Date.UTC(y, m - 1 + i, 1)).getUTCFullYear(), ((m - 1 + i) % 12) + 1, dom)
        : dayOfDate(y + i, month, dom);
    if (day !== undefined && day >= today) return day;
  }
  return undefined;
}

function midnight(day: number): number {
  return day * MS_PER_DAY - OFFSET_MS;
}

/** The text around the phrase; one space where the phrase was set off by spaces ("预约 12月3日 培训"). */
function joinRest(before: string, after: string): string {
  const left = before.trimEnd();
  const right = after.trimStart();
  const spaced = left.length < before.length || right.length < after.length;
  return `${left}${spaced && left && right ? ' ' : ''}${right}`;
}
