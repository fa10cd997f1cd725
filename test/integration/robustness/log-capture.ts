import pino from 'pino';

/** One pino line as written. */
export interface LogEntry {
  level: number;
  msg?: string;
  err?: { message?: string; stack?: string } | string;
  [key: string]: unknown;
}

/**
 * A pino logger that keeps what the desk logs in memory: a count per message
 * and the error-level entries (up to 50 of each message), so a test can tell "logged and
 * dropped" from "silently lost" and show the product's own account of a failure.
 */
export class LogCapture {
  readonly logger: pino.Logger;
  private readonly counts = new Map<string, number>();
  readonly errors: LogEntry[] = [];

  constructor(
    level: pino.Level = 'info',
    private readonly maxErrorsPerMessage = 50,
  ) {
    this.logger = pino({ level }, { write: (line: string) => this.add(line) });
  }

  private add(line: string): void {
    let e: LogEntry;
    try {
      e = JSON.parse(line) as LogEntry;
    } catch {
      return;
    }
    const msg = e.msg ?? '';
    this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
    // capped per message, so a flood of one kind cannot hide another
    if (e.level >= 50 && (this.counts.get(msg) ?? 0) <= this.maxErrorsPerMessage) this.errors.push(e);
  }

  /** Every message logged so far with its count, most frequent first. */
  tally(): string {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([m, n]) => `${n}× ${m}`)
      .join('; ');
  }

  count(msg: string): number {
    return this.counts.get(msg) ?? 0;
  }

  /** The error-level entries with `msg`, summarised for an assertion message. */
  errorsWith(msg: string): string[] {
    return this.errors.filter((e) => e.msg === msg).map(summarise);
  }
}

export function summarise(e: LogEntry): string {
  const err = typeof e.err === 'string' ? e.err : (e.err?.stack ?? e.err?.message ?? '');
  return `${e.msg ?? ''}${err ? `: ${err.split('\n').slice(0, 8).join(' | ')}` : ''}`;
}
