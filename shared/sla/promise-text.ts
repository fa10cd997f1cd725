import { fixedOffsetZones } from '../calendar/calendar-config.ts';
import { MS_PER_MINUTE } from '../calendar/local-date.ts';
import { levelCatalog, type ResponseLevel } from '../catalog.ts';
import type { SlaClock, SlaClockUnit } from './compute-sla-clocks.ts';
import { type SlaTarget, slaTargetNames } from './targets.ts';

/**
 * Texts the customer sees about a promise: at creation ("按服务协议，我们将在 … 前响应") and in 查询
 * (time left). Dates are Beijing time (Asia/Shanghai, UTC+8 without DST) whatever the process TZ.
 */
export type Lang = 'zh' | 'en';

const offsetMs = fixedOffsetZones['Asia/Shanghai'] * MS_PER_MINUTE;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026-02-24T02:00Z → "2026年2月24日 10:00" (zh) or "24 Feb 2026 10:00" (en), Beijing time. */
export function formatBeijingDateTime(at: Date, lang: Lang = 'zh'): string {
  const local = new Date(at.getTime() + offsetMs);
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth();
  const d = local.getUTCDate();
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  return lang === 'zh' ? `${y}年${mo + 1}月${d}日 ${time}` : `${d} ${months[mo]} ${y} ${time}`;
}

/**
 * Whole minutes as hours and minutes: "3 个工作小时 20 分钟", "1 个工作小时", "20 个工作分钟";
 * calendar time without "工作": "47 小时 5 分钟". English: "3 working hours 20 minutes".
 */
export function formatDuration(minutes: number, unit: SlaClockUnit, lang: Lang = 'zh'): string {
  const total = Math.max(0, Math.round(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  const working = unit === 'working';
  if (lang === 'zh') {
    const w = working ? '个工作' : '';
    if (h === 0) return `${m} ${w}分钟`;
    return m === 0 ? `${h} ${w}小时` : `${h} ${w}小时 ${m} 分钟`;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const w = working ? 'working ' : '';
  if (h === 0) return plural(m, `${w}minute`);
  return m === 0 ? plural(h, `${w}hour`) : `${plural(h, `${w}hour`)} ${plural(m, 'minute')}`;
}

export interface PromiseTextInput {
  readonly target: SlaTarget;
  readonly level: ResponseLevel;
  readonly dueAt: Date;
  readonly budgetMinutes: number;
  readonly unit: SlaClockUnit;
}

/**
 * The promise, e.g. "按服务协议，我们将在 2026年2月24日 10:00 前响应（一级：1 个工作小时）".
 * Give it a clock (its target, dueAt, budgetMinutes, unit) and the ticket's level.
 */
export function promiseText(input: PromiseTextInput, lang: Lang = 'zh'): string {
  const { target, level, dueAt, budgetMinutes, unit } = input;
  const when = formatBeijingDateTime(dueAt, lang);
  const budget = formatDuration(budgetMinutes, unit, lang);
  if (lang === 'zh') {
    const name = levelCatalog[level].nameZh;
    switch (target) {
      case 'firstResponse':
        return `按服务协议，我们将在 ${when} 前响应（${name}：${budget}）`;
      case 'nextUpdate':
        return `按服务协议，我们将在 ${when} 前向您更新处理进展（${name}：每 ${budget}）`;
      case 'resolution':
        return `按服务协议，我们将在 ${when} 前解决（${name}：${budget}）`;
      case 'onSite':
        return `按服务协议，工程师将在 ${when} 前到达现场（${name}：${budget}）`;
    }
  }
  const name = levelCatalog[level].nameEn;
  const by = `by ${when} Beijing time`;
  switch (target) {
    case 'firstResponse':
      return `Under the service agreement we will respond ${by} (${name}: ${budget}).`;
    case 'nextUpdate':
      return `Under the service agreement we will update you ${by} (${name}: every ${budget}).`;
    case 'resolution':
      return `Under the service agreement we will resolve the issue ${by} (${name}: ${budget}).`;
    case 'onSite':
      return `Under the service agreement an engineer will be on site ${by} (${name}: ${budget}).`;
  }
}

/**
 * Time left for 查询: "剩余 3 个工作小时 20 分钟", "已超时 1 个工作小时", "已暂停计时，剩余 …",
 * "已按时完成（用时 …）", "已超时完成（超出 …）". Rounded to the customer's disadvantage: time left
 * down, time over up, so the text never promises more than the clock.
 */
export function timeLeftText(
  clock: Pick<SlaClock, 'state' | 'unit' | 'remainingMinutes' | 'elapsedMinutes'>,
  lang: Lang = 'zh',
): string {
  const zh = lang === 'zh';
  const over = Math.ceil(-clock.remainingMinutes);
  const d = (minutes: number) => formatDuration(minutes, clock.unit, lang);
  const w = clock.unit === 'working';
  const left = Math.floor(clock.remainingMinutes);
  // "剩余 20 个工作分钟", but "剩余不到 1 个工作分钟"
  const remainingZh = left >= 1 ? ` ${d(left)}` : `不到 1 ${w ? '个工作' : ''}分钟`;
  const remainingEn = left >= 1 ? d(left) : `less than 1 ${w ? 'working ' : ''}minute`;
  switch (clock.state) {
    case 'running':
      return zh ? `剩余${remainingZh}` : `${remainingEn} left`;
    case 'paused':
      return zh ? `已暂停计时，剩余${remainingZh}` : `paused, ${remainingEn} left`;
    case 'breached':
      if (over < 1) return zh ? '已超时' : 'overdue';
      return zh ? `已超时 ${d(over)}` : `${d(over)} overdue`;
    case 'met':
      return zh ? `已按时完成（用时 ${d(clock.elapsedMinutes)}）` : `met (took ${d(clock.elapsedMinutes)})`;
    case 'missed':
      if (over < 1) return zh ? '已超时完成' : 'completed late';
      return zh ? `已超时完成（超出 ${d(over)}）` : `completed late (${d(over)} over)`;
  }
}

/** One line per clock for 查询: "首次响应：剩余 20 个工作分钟". */
export function clockStatusLine(clock: SlaClock, lang: Lang = 'zh'): string {
  const name = slaTargetNames[clock.target][lang];
  return lang === 'zh' ? `${name}：${timeLeftText(clock, lang)}` : `${name}: ${timeLeftText(clock, lang)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
