// Test helpers: instants written as Asia/Shanghai wall-clock text, independent of the process TZ.

/** '2026-02-13 17:00' or '2026-02-13 17:00:30' (Asia/Shanghai) → Date. */
export function sh(local: string): Date {
  const [date, time] = local.split(' ');
  const withSeconds = time?.length === 5 ? `${time}:00` : time;
  const result = new Date(`${date}T${withSeconds}+08:00`);
  if (Number.isNaN(result.getTime())) throw new Error(`bad test instant: ${local}`);
  return result;
}

/** Date → '2026-02-13 17:00' in Asia/Shanghai, with ':ss' (and '.mmm') only when not zero. */
export function fmt(at: Date): string {
  const iso = new Date(at.getTime() + 8 * 3_600_000).toISOString(); // 2026-02-13T09:00:00.000Z
  const seconds = iso
    .slice(16, 23)
    .replace(/\.000$/, '')
    .replace(/^:00$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds}`;
}
