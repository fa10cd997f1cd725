import { z } from 'zod';
import { workingPeriodsSchema } from './calendar-config.ts';

// Admin decisions for single dates. They win over statutory data and the weekly pattern.

const date = z.iso.date('expected a real date as YYYY-MM-DD');
const name = z.string().trim().min(1).max(40).optional();
const periods = workingPeriodsSchema.min(1, 'give at least one period (use "day-off" for no work)');

export const calendarOverrideSchema = z.discriminatedUnion('kind', [
  /** A company day off (e.g. 公司年会): no working time. */
  z.strictObject({ kind: z.literal('day-off'), date, name }),
  /** An extra working day; works the make-up hours unless periods are given. */
  z.strictObject({ kind: z.literal('working-day'), date, name, periods: periods.optional() }),
  /** Different hours on one date (e.g. a half day before a holiday). */
  z.strictObject({ kind: z.literal('hours'), date, name, periods }),
]);
export type CalendarOverride = z.infer<typeof calendarOverrideSchema>;

export const calendarOverridesSchema = z.array(calendarOverrideSchema).superRefine((overrides, ctx) => {
  const seen = new Set<string>();
  overrides.forEach((override, i) => {
    if (seen.has(override.date)) {
      ctx.addIssue({
        code: 'custom',
        message: `${override.date} has more than one override`,
        path: [i, 'date'],
      });
    }
    seen.add(override.date);
  });
});
