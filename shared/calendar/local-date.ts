// Calendar dates are handled as "day numbers" (whole days since 1970-01-01) and ISO strings
// (YYYY-MM-DD). Both are pure arithmetic on UTC fields, so nothing here reads the process time zone.

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{2}):(\d{2})$/;

/** Epoch ms of a Date; RangeError for an invalid Date rather than NaN arithmetic downstream. */
export function instant(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return ms;
}

/** Day number of an ISO date (1970-01-01 → 0). Throws RangeError on a malformed or impossible date. */
export function isoDateToDayNumber(date: string): number {
  const match = ISO_DATE.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Date.UTC rolls 2027-02-30 over to March; the round trip catches that.
  if (Number.isNaN(ms) || dayNumberToIsoDate(ms / MS_PER_DAY) !== date) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return ms / MS_PER_DAY;
}

export function dayNumberToIsoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Minutes since midnight of "HH:MM" ("24:00" → 1440). Throws RangeError on another format. */
export function clockToMinutes(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match) throw new RangeError(`not a clock time (HH:MM): ${clock}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function minutesToClock(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * Day number of an ISO date, or undefined when malformed. Schema refinements use it: zod 4 runs
 * them even after a field's own format check failed, and they must report, not throw.
 */
export function tryIsoDateToDayNumber(date: string): number | undefined {
  try {
    return isoDateToDayNumber(date);
  } catch {
    return undefined;
  }
}

/** Minutes of "HH:MM", or undefined when malformed (see tryIsoDateToDayNumber). */
export function tryClockToMinutes(clock: string): number | undefined {
  try {
    return clockToMinutes(clock);
  } catch {
    return undefined;
  }
}
