import type { WorkingCalendar } from '../calendar/compile-calendar.ts';
import { DomainError } from '../errors.ts';
import { type BookingType, bookingLockGranuleMinutes } from './booking-types.ts';

/**
 * Free booking slots (服务预约) from the working calendar, engineers' time off and existing
 * bookings. Pure: `now` enters only as `noticeCutoff`. See shared/booking/README.md for the rules.
 */

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

export interface SlotEngineer {
  readonly id: string;
  /** Qualified for this customer (SPEC commitment 5); only consulted when the type needs it. */
  readonly qualified?: boolean;
  /** Leave, training, other duties: half-open ranges, any alignment. */
  readonly timeOff: readonly TimeRange[];
}

/**
 * An existing booking as stored: `from`/`to` is the appointment itself, the buffers are those it
 * was booked with (kept on the booking, so a later change of the type's buffers does not move the
 * granules it already holds).
 */
export interface ExistingBooking {
  readonly engineerId: string;
  readonly from: Date;
  readonly to: Date;
  readonly bufferBeforeMinutes?: number;
  readonly bufferAfterMinutes?: number;
}

export interface FindFreeSlotsInput {
  readonly calendar: WorkingCalendar;
  /** Search window for the appointment itself: start ≥ from and end ≤ to (buffers may stick out). */
  readonly from: Date;
  readonly to: Date;
  /** Wall-clock length of the appointment. */
  readonly durationMinutes: number;
  /** Step between offered starts, aligned to local midnight; a multiple of the lock granule dividing 24 h. */
  readonly granularityMinutes: number;
  readonly bufferBeforeMinutes?: number;
  readonly bufferAfterMinutes?: number;
  /** May the booking (with buffers) contain a break inside one working day, e.g. lunch? Default false. */
  readonly maySpanBreaks?: boolean;
  /** Only engineers with `qualified: true` are considered. Default false. */
  readonly needsQualifiedEngineer?: boolean;
  readonly engineers: readonly SlotEngineer[];
  readonly bookings: readonly ExistingBooking[];
  /**
   * Earliest instant the engineer's commitment may begin: now + the notice period in working
   * minutes (addWorkingMinutes(calendar, now, noticeWorkingMinutes)). Applies to the blocked start,
   * travel buffer included.
   */
  readonly noticeCutoff: Date;
  /** Most slots returned (the earliest ones); default: all. */
  readonly limit?: number;
}

export interface FreeSlot {
  readonly start: Date;
  readonly end: Date;
  /** Engineers free for the whole blocked range, in input order. */
  readonly engineerIds: readonly string[];
}

/** The parts of a booking type the slot search needs: `findFreeSlots({ ...slotOptionsOf(type), … })`. */
export function slotOptionsOf(
  type: BookingType,
): Pick<
  FindFreeSlotsInput,
  | 'durationMinutes'
  | 'bufferBeforeMinutes'
  | 'bufferAfterMinutes'
  | 'maySpanBreaks'
  | 'needsQualifiedEngineer'
> {
  return {
    durationMinutes: type.durationMinutes,
    bufferBeforeMinutes: type.bufferBeforeMinutes,
    bufferAfterMinutes: type.bufferAfterMinutes,
    maySpanBreaks: type.maySpanBreaks,
    needsQualifiedEngineer: type.needsQualifiedEngineer,
  };
}

// Local copies of the calendar's constants: under tsx an imported binding is a getter call, which
// shows in the hot loops.
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const LOCK_MS = bookingLockGranuleMinutes * MS_PER_MINUTE;
/** Longest search window accepted: beyond any horizon an admin can configure (365 days). */
const MAX_WINDOW_DAYS = 400;
const MAX_BUFFER_MINUTES = 24 * 60;
const MAX_ENGINEERS = 10_000;

/**
 * Free slots in [from, to), sorted by start, at most `limit`. A slot is offered when
 * - its start is on the granularity grid (from local midnight) and inside working time;
 * - the blocked range [start − bufferBefore, end + bufferAfter) lies inside one working period, or,
 *   with `maySpanBreaks`, inside the span of one working day (first period start … last period end)
 *   with the end inside or at the end of a period (no night, no day off, never ending in a break);
 * - the blocked range starts at or after `noticeCutoff`, and the appointment lies in [from, to];
 * - at least one (qualified, when needed) engineer has neither time off nor a booking's blocked
 *   range overlapping it. Busy ranges and the candidate are both widened to whole lock granules,
 *   exactly as the unique keys of bookedGranules do: a slot offered here never collides in the
 *   database with a booking given here.
 *
 * Cost: O(bookings + window granules + candidates × engineers): busy ranges are ordered by two
 * counting sorts, merged, and swept with one pointer per engineer as candidates come in ascending
 * order; nothing is allocated per candidate beyond the slots returned.
 */
export function findFreeSlots(input: FindFreeSlotsInput): FreeSlot[] {
  const { calendar } = input;
  const fromMs = validInstant(input.from, '搜索开始时间');
  const toMs = validInstant(input.to, '搜索结束时间');
  const cutoffMs = validInstant(input.noticeCutoff, '最早可约时间');
  const durationMs = positiveMinutes(input.durationMinutes, '时长', 24 * 60) * MS_PER_MINUTE;
  const beforeMs = bufferMinutes(input.bufferBeforeMinutes, '前置缓冲') * MS_PER_MINUTE;
  const afterMs = bufferMinutes(input.bufferAfterMinutes, '后置缓冲') * MS_PER_MINUTE;
  const stepMs = granularity(input.granularityMinutes) * MS_PER_MINUTE;
  const limit = input.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new DomainError('validation', `数量上限须为非负整数，收到 ${input.limit}`);
  }
  if (toMs - fromMs > MAX_WINDOW_DAYS * MS_PER_DAY) {
    throw new DomainError('validation', `搜索范围不能超过 ${MAX_WINDOW_DAYS} 天`);
  }
  const spanBreaks = input.maySpanBreaks === true;
  const engineers = input.needsQualifiedEngineer
    ? input.engineers.filter((e) => e.qualified === true)
    : input.engineers;

  // Earliest appointment start: inside the window, and its blocked range after the cutoff.
  const loMs = Math.max(fromMs, cutoffMs + beforeMs);
  if (limit === 0 || engineers.length === 0 || loMs + durationMs > toMs) return [];

  // Busy ranges per engineer in lock granules relative to gLo, widened to whole granules and
  // clipped to [0, n), the granules any candidate can touch.
  const gLo = Math.floor((loMs - beforeMs) / LOCK_MS);
  const n = Math.ceil((toMs + afterMs) / LOCK_MS) - gLo; // < 2¹⁶ (MAX_WINDOW_DAYS, MAX_BUFFER_MINUTES)
  if (engineers.length > MAX_ENGINEERS) {
    throw new DomainError('validation', `工程师不能超过 ${MAX_ENGINEERS} 名`);
  }
  const indexOf = new Map<string, number>();
  engineers.forEach((engineer, k) => {
    if (indexOf.has(engineer.id)) throw new DomainError('validation', `工程师 ${engineer.id} 重复`);
    indexOf.set(engineer.id, k);
  });
  const owners: number[] = [];
  const froms: number[] = [];
  const tos: number[] = [];
  const add = (k: number, fromInstant: number, toInstant: number) => {
    const a = Math.max(0, Math.floor(fromInstant / LOCK_MS) - gLo);
    const b = Math.min(n, Math.ceil(toInstant / LOCK_MS) - gLo);
    if (a >= b) return;
    owners.push(k);
    froms.push(a);
    tos.push(b);
  };
  engineers.forEach((engineer, k) => {
    for (const off of engineer.timeOff) {
      add(k, validInstant(off.from, '休假开始时间'), validInstant(off.to, '休假结束时间'));
    }
  });
  for (const booking of input.bookings) {
    const k = indexOf.get(booking.engineerId);
    if (k === undefined) continue; // an engineer not considered for this type
    const before = bufferMinutes(booking.bufferBeforeMinutes, '已有预约的前置缓冲') * MS_PER_MINUTE;
    const after = bufferMinutes(booking.bufferAfterMinutes, '已有预约的后置缓冲') * MS_PER_MINUTE;
    add(
      k,
      validInstant(booking.from, '已有预约开始时间') - before,
      validInstant(booking.to, '已有预约结束时间') + after,
    );
  }
  // Order by (engineer, start) with two counting sorts (start granule, then engineer, stable):
  // linear, and several times faster here than a comparison sort.
  const count = owners.length;
  const byStart = new Int32Array(count);
  const startCounts = new Int32Array(n + 1);
  for (let i = 0; i < count; i++) startCounts[froms[i]! + 1]!++;
  for (let g = 1; g <= n; g++) startCounts[g]! += startCounts[g - 1]!;
  for (let i = 0; i < count; i++) byStart[startCounts[froms[i]!]!++] = i;
  const order = new Int32Array(count);
  const first = new Int32Array(engineers.length + 1); // engineer k's ranges: [first[k], first[k + 1])
  for (let i = 0; i < count; i++) first[owners[i]! + 1]!++;
  for (let k = 1; k <= engineers.length; k++) first[k]! += first[k - 1]!;
  const fill = first.slice(0, engineers.length);
  for (let j = 0; j < count; j++) {
    const i = byStart[j]!;
    order[fill[owners[i]!]!++] = i;
  }
  // Merge overlapping and touching ranges per engineer, in place of the sorted order:
  // [from, to, from, to, …] of engineer k in ranges[bounds[k] … bounds[k + 1]).
  const ranges = new Int32Array(2 * count);
  const bounds = new Int32Array(engineers.length + 1);
  let written = 0;
  for (let k = 0; k < engineers.length; k++) {
    bounds[k] = written;
    for (let j = first[k]!; j < first[k + 1]!; j++) {
      const i = order[j]!;
      if (written > bounds[k]! && froms[i]! <= ranges[written - 1]!) {
        if (tos[i]! > ranges[written - 1]!) ranges[written - 1] = tos[i]!;
      } else {
        ranges[written++] = froms[i]!;
        ranges[written++] = tos[i]!;
      }
    }
  }
  bounds[engineers.length] = written;
  // Candidates come in ascending order, so each engineer's first busy range that ends after the
  // candidate's start only moves forward: one pointer per engineer, O(1) amortised per check.
  const next = bounds.slice(0, engineers.length);

  const slots: FreeSlot[] = [];
  const lastDay = calendar.dayOf(toMs - durationMs);
  for (let day = calendar.dayOf(loMs); day <= lastDay; day++) {
    const { spans } = calendar.dayPlan(day);
    if (spans.length === 0) continue;
    const midnight = day * MS_PER_DAY - calendar.offsetMs;
    const dayFirst = spans[0]!;
    const dayLast = spans[spans.length - 1]!;
    for (let p = 0; p < spans.length; p += 2) {
      const periodStart = spans[p]!;
      const periodEnd = spans[p + 1]!;
      const earliest = Math.max(periodStart, loMs);
      for (
        let s = midnight + Math.ceil((earliest - midnight) / stepMs) * stepMs;
        s < periodEnd;
        s += stepMs
      ) {
        const end = s + durationMs;
        if (end > toMs) return slots; // later starts end later still
        const blockedFrom = s - beforeMs;
        const blockedTo = end + afterMs;
        if (spanBreaks) {
          if (blockedFrom < dayFirst) continue;
          if (blockedTo > dayLast) break; // later starts of this day end later still
          if (!endsInPeriod(spans, end)) continue;
        } else {
          if (blockedFrom < periodStart) continue;
          if (blockedTo > periodEnd) break;
        }
        const ga = Math.floor(blockedFrom / LOCK_MS) - gLo;
        const gb = Math.ceil(blockedTo / LOCK_MS) - gLo;
        let free: string[] | undefined;
        for (let k = 0; k < engineers.length; k++) {
          const stop = bounds[k + 1]!;
          let i = next[k]!;
          while (i < stop && ranges[i + 1]! <= ga) i += 2;
          next[k] = i;
          if (i < stop && ranges[i]! < gb) continue; // overlaps a busy range
          if (free) free.push(engineers[k]!.id);
          else free = [engineers[k]!.id];
        }
        if (free) {
          slots.push({ start: new Date(s), end: new Date(end), engineerIds: free });
          if (slots.length >= limit) return slots;
        }
      }
    }
  }
  return slots;
}

/** End instant inside a period or at its end: (from, to]. */
function endsInPeriod(spans: readonly number[], end: number): boolean {
  for (let i = 0; i < spans.length; i += 2) {
    if (spans[i]! < end && end <= spans[i + 1]!) return true;
  }
  return false;
}

/** The blocked range of a booking: the appointment widened by its buffers. */
export function blockedRange(booking: {
  readonly from: Date;
  readonly to: Date;
  readonly bufferBeforeMinutes?: number;
  readonly bufferAfterMinutes?: number;
}): TimeRange {
  const before = bufferMinutes(booking.bufferBeforeMinutes, '前置缓冲') * MS_PER_MINUTE;
  const after = bufferMinutes(booking.bufferAfterMinutes, '后置缓冲') * MS_PER_MINUTE;
  return {
    from: new Date(validInstant(booking.from, '预约开始时间') - before),
    to: new Date(validInstant(booking.to, '预约结束时间') + after),
  };
}

/**
 * The unique database key of one granule of one engineer's time: `<engineerId>@<local start>`,
 * e.g. `eng-7@2026-12-03T10:00+08:00`. Injective (the time part has a fixed length), readable in
 * the database. `start` must be on a whole minute (granule starts are).
 */
export function slotKey(engineerId: string, start: Date): string {
  if (engineerId.length === 0) throw new DomainError('validation', '工程师标识不能为空');
  const ms = validInstant(start, '时段开始时间');
  if (ms % MS_PER_MINUTE !== 0) {
    throw new DomainError('validation', `时段开始时间须为整分钟：${start.toISOString()}`);
  }
  const local = new Date(ms + 8 * 60 * MS_PER_MINUTE).toISOString().slice(0, 16);
  return `${engineerId}@${local}+08:00`;
}

const MAX_GRANULES = 24 * 60; // one day of 1-minute granules: far beyond any booking

/**
 * Keys of the granules a booking holds: every granule of `granularityMinutes` (aligned to the
 * epoch, hence to local midnight for the default lock granule) overlapping the appointment widened
 * by its buffers. Insert one document per key with `_id` = key: two bookings of one engineer whose
 * blocked ranges share a granule collide on a unique `_id`, whoever writes first wins.
 *
 * Always pass the same granularity (the default, bookingLockGranuleMinutes): keys of different
 * sizes do not collide with each other.
 */
export function bookedGranules(
  engineerId: string,
  from: Date,
  to: Date,
  granularityMinutes: number = bookingLockGranuleMinutes,
  buffers: { readonly beforeMinutes?: number; readonly afterMinutes?: number } = {},
): string[] {
  if (!Number.isInteger(granularityMinutes) || granularityMinutes <= 0 || 1440 % granularityMinutes !== 0) {
    throw new DomainError('validation', `锁粒度须为能整除 24 小时的正整数分钟，收到 ${granularityMinutes}`);
  }
  const range = blockedRange({
    from,
    to,
    bufferBeforeMinutes: buffers.beforeMinutes,
    bufferAfterMinutes: buffers.afterMinutes,
  });
  const g = granularityMinutes * MS_PER_MINUTE;
  const first = Math.floor(range.from.getTime() / g);
  const last = Math.ceil(range.to.getTime() / g);
  if (last <= first) throw new DomainError('validation', '预约结束时间须晚于开始时间');
  if (last - first > MAX_GRANULES) throw new DomainError('validation', '预约时长超出上限');
  const keys: string[] = [];
  for (let i = first; i < last; i++) keys.push(slotKey(engineerId, new Date(i * g)));
  return keys;
}

function validInstant(date: Date, label: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new DomainError('validation', `${label}不是有效的时间`);
  return ms;
}

function positiveMinutes(value: number, label: string, max: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new DomainError('validation', `${label}须为 1–${max} 的整数分钟，收到 ${value}`);
  }
  return value;
}

function bufferMinutes(value: number | undefined, label: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_BUFFER_MINUTES) {
    throw new DomainError('validation', `${label}须为 0–${MAX_BUFFER_MINUTES} 的整数分钟，收到 ${value}`);
  }
  return value;
}

function granularity(value: number): number {
  if (
    !Number.isInteger(value) ||
    value <= 0 ||
    value % bookingLockGranuleMinutes !== 0 ||
    1440 % value !== 0
  ) {
    throw new DomainError(
      'validation',
      `时段粒度须为 ${bookingLockGranuleMinutes} 分钟的整数倍且能整除 24 小时，收到 ${value}`,
    );
  }
  return value;
}
