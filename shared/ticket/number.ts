/**
 * Readable ticket numbers: PREFIX-YEAR-SEQUENCE, e.g. SD-2026-000123. The
 * year is the Asia/Shanghai year of creation; the sequence restarts yearly.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has no DST

export function shanghaiYear(at: Date): number {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

export function formatTicketNo(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

const ticketNoPattern = /\b([A-Z]{1,6})-(\d{4})-(\d{1,9})\b/i;

/** Finds a ticket number in free text ("查询 sd-2026-123" → "SD-2026-000123"). */
export function findTicketNo(text: string): string | undefined {
  const m = ticketNoPattern.exec(text);
  if (!m) return undefined;
  const [, prefix, year, seq] = m;
  return formatTicketNo(prefix!.toUpperCase(), Number(year), Number(seq));
}
