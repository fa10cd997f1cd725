import type { Period } from './calendar-api.ts';

/**
 * Checks a day's working periods in the browser with zh-CN/English messages
 * per field before anything is sent (the server checks again; its answer is
 * shown too). Periods are half-open [from, to), ascending, not overlapping.
 */
const clock = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export type PeriodProblem = 'format' | 'order' | 'overlap';

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Problems by field key `${i}.from` / `${i}.to`. */
export function periodProblems(periods: readonly Period[]): Map<string, PeriodProblem> {
  const out = new Map<string, PeriodProblem>();
  periods.forEach((p, i) => {
    const fromOk = clock.test(p.from);
    const toOk = clock.test(p.to);
    if (!fromOk) out.set(`${i}.from`, 'format');
    if (!toOk) out.set(`${i}.to`, 'format');
    if (fromOk && toOk && minutesOf(p.to) <= minutesOf(p.from)) out.set(`${i}.to`, 'order');
    const prev = periods[i - 1];
    if (
      fromOk &&
      prev &&
      clock.test(prev.to) &&
      minutesOf(p.from) < minutesOf(prev.to) &&
      !out.has(`${i}.from`)
    )
      out.set(`${i}.from`, 'overlap');
  });
  return out;
}

/** "09:00-12:00 13:00-18:00" ⇄ periods (the overrides form types them in one line). */
export function parsePeriodsText(text: string): Period[] | undefined {
  const parts = text
    .split(/[\s,，;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: Period[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2}:\d{2})\s*[-–~～至]\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!m) return undefined;
    out.push({ from: m[1]!.padStart(5, '0'), to: m[2]!.padStart(5, '0') });
  }
  return out;
}

export function periodsText(periods: readonly Period[] | undefined): string {
  return (periods ?? []).map((p) => `${p.from}–${p.to}`).join('、');
}
