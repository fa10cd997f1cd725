import type { Lang } from './i18n.ts';

/**
 * Times as the desk's people read them: Asia/Shanghai whatever the device's
 * zone (due times are promises in Beijing time), zh-CN or English.
 */
const shanghaiOffsetMs = 8 * 3_600_000; // UTC+8 all year: no daylight saving since 1991

const weekdaysZh = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const weekdaysEn = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function fields(at: string | Date) {
  const d = new Date(new Date(at).getTime() + shanghaiOffsetMs);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth(),
    day: d.getUTCDate(),
    wd: d.getUTCDay(),
    hhmm: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`,
  };
}

/** "11月25日 周三 10:00" / "Wed 25 Nov 10:00" (Beijing time). */
export function formatDateTime(
  at: string | Date,
  lang: Lang,
  opts: { weekday?: boolean; year?: boolean } = {},
) {
  return `${formatDay(at, lang, opts)} ${fields(at).hhmm}`;
}

/** A calendar date "2026-10-01" as "10月1日 周四" / "Thu 1 Oct". */
export function formatIsoDate(
  iso: string,
  lang: Lang,
  opts: { weekday?: boolean } = { weekday: true },
): string {
  return formatDay(`${iso}T00:00:00+08:00`, lang, opts);
}

function formatDay(at: string | Date, lang: Lang, opts: { weekday?: boolean; year?: boolean }): string {
  const f = fields(at);
  if (lang === 'zh')
    return `${opts.year ? `${f.y}年` : ''}${f.m + 1}月${f.day}日${opts.weekday ? ` ${weekdaysZh[f.wd]}` : ''}`;
  return `${opts.weekday ? `${weekdaysEn[f.wd]} ` : ''}${f.day} ${monthsEn[f.m]}${opts.year ? ` ${f.y}` : ''}`;
}

/** A span of minutes: "3 小时 20 分" / "3 h 20 min"; days from 48 hours on. */
export function formatMinutes(minutes: number, lang: Lang): string {
  const m = Math.max(0, Math.round(minutes));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  const zh = lang === 'zh';
  const parts: string[] = [];
  if (m >= 2880) {
    parts.push(zh ? `${days} 天` : `${days} d`);
    if (hours) parts.push(zh ? `${hours} 小时` : `${hours} h`);
    return parts.join(' ');
  }
  const h = Math.floor(m / 60);
  if (h) parts.push(zh ? `${h} 小时` : `${h} h`);
  if (mins || !h) parts.push(zh ? `${mins} 分` : `${mins} min`);
  return parts.join(' ');
}

/** The Shanghai calendar date of an instant, YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
