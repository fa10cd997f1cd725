import { describe, expect, it } from 'vitest';
import { type DatePhrase, parseDatePhrase, parseSmallNumber } from '../../../shared/booking/date-phrases.ts';
import { fmt, sh } from '../calendar/shanghai-time.ts';

/** 'at 2026-11-26 15:30' | '2026-11-26 13:00 → 2026-11-26 18:00' | 'none' */
function show(result: DatePhrase): string {
  if (result.kind === 'none') return 'none';
  if (result.kind === 'instant') return `at ${fmt(result.at)}`;
  return `${fmt(result.from)} → ${fmt(result.to)}`;
}
const day = (date: string) => {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return `${date} 00:00 → ${next} 00:00`;
};

// now = Wed 2026-11-25 10:15 Asia/Shanghai. This week: Mon 23 … Sun 29 Nov; next: Mon 30 Nov … Sun 6 Dec.
const now = sh('2026-11-25 10:15');

type Case = [phrase: string, expected: string];

const cases: Case[] = [
  // Named days: the whole day
  ['今天', day('2026-11-25')],
  ['明天', day('2026-11-26')],
  ['后天', day('2026-11-27')],
  ['大后天', day('2026-11-28')],
  // Weekdays: bare = next one not over (today counts), 本/这 = this week, 下 = next week
  ['周五', day('2026-11-27')],
  ['星期五', day('2026-11-27')],
  ['礼拜五', day('2026-11-27')],
  ['周三', day('2026-11-25')], // today, not over yet
  ['周二', day('2026-12-01')], // already past this week → next Tuesday
  ['星期天', day('2026-11-29')],
  ['本周三', day('2026-11-25')],
  ['这周三', day('2026-11-25')],
  ['本周一', day('2026-11-23')], // this week's, even though past
  ['这个周五', day('2026-11-27')],
  ['下周二', day('2026-12-01')],
  ['下周三', day('2026-12-02')],
  ['下个星期一', day('2026-11-30')],
  ['下下周一', day('2026-12-07')],
  ['下下个礼拜三', day('2026-12-09')],
  // Parts of the day: today's when not over
  ['上午', '2026-11-25 09:00 → 2026-11-25 12:00'],
  ['下午', '2026-11-25 13:00 → 2026-11-25 18:00'],
  ['中午', '2026-11-25 11:00 → 2026-11-25 14:00'],
  ['晚上', '2026-11-25 18:00 → 2026-11-26 00:00'],
  ['傍晚', '2026-11-25 17:00 → 2026-11-25 19:00'],
  // Clock times: the next occurrence; hours 1–6 without 上午/下午 are in the afternoon
  ['10点', 'at 2026-11-26 10:00'], // 10:00 today is over
  ['十点', 'at 2026-11-26 10:00'],
  ['10:30', 'at 2026-11-25 10:30'],
  ['十点半', 'at 2026-11-25 10:30'],
  ['十点十五', 'at 2026-11-26 10:15'], // exactly now counts as over
  ['10点30分', 'at 2026-11-25 10:30'],
  ['下午3点', 'at 2026-11-25 15:00'],
  ['3点', 'at 2026-11-25 15:00'],
  ['三点', 'at 2026-11-25 15:00'],
  ['两点', 'at 2026-11-25 14:00'],
  ['3点一刻', 'at 2026-11-25 15:15'],
  ['下午四点三刻', 'at 2026-11-25 16:45'],
  ['3:30', 'at 2026-11-25 15:30'],
  ['03:30', 'at 2026-11-26 03:30'], // a leading zero is a 24-hour clock
  ['15:00', 'at 2026-11-25 15:00'],
  ['十二点', 'at 2026-11-25 12:00'],
  ['7点', 'at 2026-11-26 07:00'], // 7–12 read as morning
  ['中午12点', 'at 2026-11-25 12:00'],
  ['中午1点', 'at 2026-11-25 13:00'],
  ['晚上8点', 'at 2026-11-25 20:00'],
  ['晚上12点', 'at 2026-11-26 00:00'],
  ['凌晨2点', 'at 2026-11-26 02:00'],
  ['上午十点', 'at 2026-11-26 10:00'],
  ['一点半', 'at 2026-11-25 13:30'],
  // Dates
  ['12月3日', day('2026-12-03')],
  ['12月3号', day('2026-12-03')],
  ['十二月三日', day('2026-12-03')],
  ['12-03', day('2026-12-03')],
  ['12/3', day('2026-12-03')],
  ['2026-12-03', day('2026-12-03')],
  ['2026/12/3', day('2026-12-03')],
  ['2026年12月3日', day('2026-12-03')],
  ['1月5日', day('2027-01-05')], // next year: 5 Jan 2026 is past
  ['11月25日', day('2026-11-25')], // today
  ['2月29日', day('2028-02-29')], // the next leap year
  ['月底', day('2026-11-30')],
  ['下个月底', day('2026-12-31')],
  ['下个月5号', day('2026-12-05')],
  ['本月15日', day('2026-11-15')],
  ['5号', day('2026-12-05')], // this month's 5th is past
  ['28号', day('2026-11-28')],
  ['31号', day('2026-12-31')], // November has no 31st
  // Combinations
  ['明天下午三点半', 'at 2026-11-26 15:30'],
  ['明天下午', '2026-11-26 13:00 → 2026-11-26 18:00'],
  ['明天的下午', '2026-11-26 13:00 → 2026-11-26 18:00'],
  ['明天 15:30', 'at 2026-11-26 15:30'],
  ['明天1点', 'at 2026-11-26 13:00'],
  ['周五10点', 'at 2026-11-27 10:00'],
  ['周三10点', 'at 2026-12-02 10:00'], // today's 10:00 is over → next Wednesday
  ['周三下午', '2026-11-25 13:00 → 2026-11-25 18:00'],
  ['下周二上午', '2026-12-01 09:00 → 2026-12-01 12:00'],
  ['下周二上午10点', 'at 2026-12-01 10:00'],
  ['下周一9:30', 'at 2026-11-30 09:30'],
  ['后天上午10点半', 'at 2026-11-27 10:30'],
  ['12月3号下午两点', 'at 2026-12-03 14:00'],
  ['12月4日（周五）下午', '2026-12-04 13:00 → 2026-12-04 18:00'],
  ['2026年12月3日 14:00', 'at 2026-12-03 14:00'],
  ['20号下午', '2026-12-20 13:00 → 2026-12-20 18:00'],
  ['今晚8点', 'at 2026-11-25 20:00'],
  ['明早9点', 'at 2026-11-26 09:00'],
  ['明晚', '2026-11-26 18:00 → 2026-11-27 00:00'],
  ['明天全天', day('2026-11-26')],
  // Ranges of clock times
  ['下午2点到4点', '2026-11-25 14:00 → 2026-11-25 16:00'],
  ['3-5点', '2026-11-25 15:00 → 2026-11-25 17:00'],
  ['10:00-11:30', '2026-11-25 10:00 → 2026-11-25 11:30'],
  ['明天上午10点到下午2点', '2026-11-26 10:00 → 2026-11-26 14:00'],
  ['11点到1点', '2026-11-25 11:00 → 2026-11-25 13:00'],
  // Relative
  ['过两天', day('2026-11-27')],
  ['三天后', day('2026-11-28')],
  ['3天以后', day('2026-11-28')],
  ['一周后', day('2026-12-02')],
  ['两个星期后', day('2026-12-09')],
  ['一个月后', day('2026-12-25')],
  ['三天后下午3点', 'at 2026-11-28 15:00'],
  ['两小时后', 'at 2026-11-25 12:15'],
  ['半小时后', 'at 2026-11-25 10:45'],
  ['一个半小时后', 'at 2026-11-25 11:45'],
  ['30分钟后', 'at 2026-11-25 10:45'],
  // Weeks and months as windows
  ['下周', '2026-11-30 00:00 → 2026-12-07 00:00'],
  ['本周', '2026-11-23 00:00 → 2026-11-30 00:00'],
  ['周末', '2026-11-28 00:00 → 2026-11-30 00:00'],
  ['下周末', '2026-12-05 00:00 → 2026-12-07 00:00'],
  ['下个月', '2026-12-01 00:00 → 2027-01-01 00:00'],
  ['12月', '2026-12-01 00:00 → 2027-01-01 00:00'],
  // Not dates
  ['你好', 'none'],
  ['快一点', 'none'], // 一点 alone means "a little"
  ['有两点建议', 'none'],
  ['第3点', 'none'],
  ['3日内回复', 'none'],
  ['2月30日下午', 'none'], // an impossible date is not read as "下午" either
  ['4月31号', 'none'],
  ['EKP-12-03', 'none'],
  ['一月一次', 'none'],
  ['约半小时', 'none'], // a duration, not a time
  ['版本 v10:30', 'none'],
];

describe('parseDatePhrase relative to Wed 2026-11-25 10:15 (Asia/Shanghai)', () => {
  it('covers at least 40 phrases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)('%s → %s', (phrase, expected) => {
    const result = parseDatePhrase(phrase, now);
    expect(show(result)).toBe(expected);
    if (result.kind !== 'none') expect(result.match.text).toBe(phrase); // the whole phrase is read
  });
});

describe('parseDatePhrase on other days', () => {
  it.each<[now: string, phrase: string, expected: string]>([
    // On a Friday, 周五 is today while the described time is not over, else next Friday
    ['2026-11-27 10:15', '周五', day('2026-11-27')],
    ['2026-11-27 10:15', '周五下午', '2026-11-27 13:00 → 2026-11-27 18:00'],
    ['2026-11-27 10:15', '周五10点', 'at 2026-12-04 10:00'],
    ['2026-11-27 19:00', '周五下午', '2026-12-04 13:00 → 2026-12-04 18:00'],
    ['2026-11-27 10:15', '本周五', day('2026-11-27')],
    ['2026-11-27 10:15', '下周五', day('2026-12-04')],
    // On a Sunday, 下周一 is tomorrow and 周末 is the current weekend
    ['2026-11-29 10:00', '下周一', day('2026-11-30')],
    ['2026-11-29 10:00', '周末', '2026-11-28 00:00 → 2026-11-30 00:00'],
    // Evening: parts of today that are over move to tomorrow
    ['2026-11-25 19:00', '下午', '2026-11-26 13:00 → 2026-11-26 18:00'],
    ['2026-11-25 19:00', '晚上', '2026-11-25 18:00 → 2026-11-26 00:00'],
    ['2026-11-25 19:00', '三点', 'at 2026-11-26 15:00'],
    // Month ends and year ends
    ['2026-11-30 09:00', '月底', day('2026-11-30')],
    ['2026-12-30 09:00', '下个月5号', day('2027-01-05')],
    ['2026-12-30 09:00', '1月4日', day('2027-01-04')],
    ['2027-01-31 09:00', '一个月后', day('2027-02-28')], // clamped to the month's end
    ['2026-12-31 23:30', '明天上午10点', 'at 2027-01-01 10:00'],
    // Just after midnight (16:05 UTC the day before): still the Shanghai date
    ['2026-11-26 00:05', '今天下午', '2026-11-26 13:00 → 2026-11-26 18:00'],
  ])('now %s: %s → %s', (at, phrase, expected) => {
    expect(show(parseDatePhrase(phrase, sh(at)))).toBe(expected);
  });
});

describe('parseDatePhrase finds the phrase inside a sentence', () => {
  it.each<[text: string, match: string, start: number, rest: string]>([
    ['下周二上午想约远程支持', '下周二上午', 0, '想约远程支持'],
    ['我想明天下午约个远程', '明天下午', 2, '我想约个远程'],
    ['能不能周五10点来现场', '周五10点', 3, '能不能来现场'],
    ['预约 12月3日 14:00 培训', '12月3日 14:00', 3, '预约 培训'],
    ['周五前给个答复', '周五', 0, '前给个答复'],
    ['明天和后天都行', '明天', 0, '和后天都行'], // the first phrase wins
    ['请帮我约 training 明天下午3点', '明天下午3点', 14, '请帮我约 training'],
  ])('%s', (text, match, start, rest) => {
    const result = parseDatePhrase(text, now);
    expect(result.kind).not.toBe('none');
    if (result.kind === 'none') return;
    expect(result.match).toEqual({ start, end: start + match.length, text: match, rest });
    expect(text.slice(result.match.start, result.match.end)).toBe(match);
  });

  it('reads full-width digits and traditional characters, keeping offsets of the original text', () => {
    const result = parseDatePhrase('約 下週二 １０：３０', now);
    expect(show(result)).toBe('at 2026-12-01 10:30');
    expect(result.kind !== 'none' && result.match.text).toBe('下週二 １０：３０');
  });

  it('rejects an invalid now', () => {
    expect(() => parseDatePhrase('明天', new Date(Number.NaN))).toThrowError(RangeError);
  });
});

describe('parseSmallNumber', () => {
  it.each<[string, number | undefined]>([
    ['一', 1],
    ['两', 2],
    ['十', 10],
    ['十一', 11],
    ['十九', 19],
    ['二十', 20],
    ['二十一', 21],
    ['三十', 30],
    ['三十一', 31],
    ['零五', 5],
    ['07', 7],
    ['一二', undefined],
    ['四十', undefined],
  ])('%s → %s', (text, value) => expect(parseSmallNumber(text)).toBe(value));
});
