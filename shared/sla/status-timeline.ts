import type { TicketStatus } from '../ticket/status.ts';

/** A stretch of time in one status, half-open [fromMs, toMs). */
export interface StatusRun {
  readonly status: TicketStatus;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface StatusTimeline {
  /** Runs up to `now`, in order; runs of zero length are left out. */
  readonly runs: readonly StatusRun[];
  /** The status at `now` (the last entry at or before it). */
  readonly current: TicketStatus;
  /** When the ticket first entered a status matching `stop`, at or after `fromMs`. */
  firstEntry(isStop: (s: TicketStatus) => boolean, fromMs: number): number | undefined;
  /**
   * When the current unbroken stretch of statuses matching `stop` began (closed → ended is one
   * stretch); undefined when the current status does not match.
   */
  currentStretchStart(isStop: (s: TicketStatus) => boolean): number | undefined;
}

/**
 * The status history as runs, as of `nowMs`: entries after now are not yet in effect. The history
 * must be in order (checked by the caller); entries at the same instant keep the last one.
 */
export function statusTimeline(
  history: ReadonlyArray<{ readonly at: Date; readonly status: TicketStatus }>,
  nowMs: number,
): StatusTimeline {
  const entries = history.filter((e) => e.at.getTime() <= nowMs);
  const first = entries[0];
  if (!first) throw new RangeError('status history has no entry at or before now');
  const runs: StatusRun[] = [];
  entries.forEach((entry, i) => {
    const fromMs = entry.at.getTime();
    const toMs = entries[i + 1]?.at.getTime() ?? nowMs;
    if (toMs > fromMs) runs.push({ status: entry.status, fromMs, toMs });
  });
  const current = entries[entries.length - 1]!.status;
  return {
    runs,
    current,
    firstEntry(isStop, fromMs) {
      for (const entry of entries) {
        if (isStop(entry.status) && entry.at.getTime() >= fromMs) return entry.at.getTime();
      }
      // Already in a stop status when `fromMs` came (e.g. a request recorded on a closed ticket).
      const before = entries.filter((e) => e.at.getTime() < fromMs).at(-1);
      return before && isStop(before.status) ? fromMs : undefined;
    },
    currentStretchStart(isStop) {
      let start: number | undefined;
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i]!;
        if (!isStop(entry.status)) break;
        start = entry.at.getTime();
      }
      return start;
    },
  };
}
