import { z } from 'zod';
import { DomainError, issuesFromZod } from '../errors.ts';

/**
 * Booking types (服务预约) and the admin configuration around them, as data. Pure: no I/O.
 *
 * Times of a booking are wall-clock: a 240-minute on-site visit from 10:00 ends at 14:00, lunch
 * included when the type may span breaks (see `maySpanBreaks` and shared/booking/README.md).
 */

/**
 * Granule of the double-booking lock, in minutes: a booking claims one database document per
 * engineer and granule it covers (buffers included), `_id` = slotKey(engineerId, granuleStart).
 * It is a constant on purpose: keys written with one granule size only collide with keys of the
 * same size, so changing the admin's slot granularity must never change the lock granule.
 * Slot granularities, durations and buffers are multiples of it.
 */
export const bookingLockGranuleMinutes = 15;

export const defaultBookingTypeKeys = [
  'remoteSupport',
  'onSite',
  'consultation',
  'training',
  'inspectionCall',
] as const;
export type DefaultBookingTypeKey = (typeof defaultBookingTypeKeys)[number];

/** How the customer meets the engineer; the confirmation card shows the matching "how to join". */
export const bookingModes = ['remote', 'phone', 'onSite'] as const;
export type BookingMode = (typeof bookingModes)[number];

const multipleOfLock = `须为 ${bookingLockGranuleMinutes} 分钟的整数倍`;
const minutes = (max: number, label: string) =>
  z
    .int(`${label}须为整数分钟`)
    .min(0, `${label}不能为负数`)
    .max(max, `${label}不能超过 ${max} 分钟`)
    .multipleOf(bookingLockGranuleMinutes, `${label}${multipleOfLock}`);

export const bookingTypeSchema = z.strictObject({
  /** Stable identifier (stored in bookings); the five defaults, or an admin's own (camelCase). */
  key: z
    .string()
    .regex(/^[a-z][A-Za-z0-9]{1,39}$/, '类型标识须以小写字母开头，只含字母和数字（2–40 个字符）'),
  nameZh: z.string().trim().min(1, '请填写中文名称').max(20, '中文名称不能超过 20 个字符'),
  nameEn: z.string().trim().min(1, '请填写英文名称').max(40, '英文名称不能超过 40 个字符'),
  /** Disabled types stay readable for existing bookings but are not offered. */
  enabled: z.boolean().default(true),
  mode: z.enum(bookingModes, '方式须为 remote、phone 或 onSite'),
  /** Length of the appointment itself (wall-clock minutes). */
  durationMinutes: minutes(8 * 60, '时长').refine((m) => m > 0, '时长须大于 0'),
  /** Travel before/after an on-site visit: blocks the engineer, must lie in working time too. */
  bufferBeforeMinutes: minutes(4 * 60, '前置缓冲').default(0),
  bufferAfterMinutes: minutes(4 * 60, '后置缓冲').default(0),
  /**
   * Only engineers qualified for the customer may take it (SPEC, commitment 5: on-site staff took
   * part in that customer's implementation). The caller decides per customer who is qualified.
   */
  needsQualifiedEngineer: z.boolean().default(false),
  /**
   * Whether the booking (with its buffers) may contain a break inside one working day, such as the
   * 12:00–13:00 lunch; never a night or a day off. Without it, the booking and its buffers must fit
   * inside one working period.
   */
  maySpanBreaks: z.boolean().default(false),
  /**
   * "How to join" on the confirmation card, e.g. a standing meeting link; when absent the card
   * says the engineer calls the contact (remote, phone) or comes to the site (onSite).
   */
  joinInfoZh: z.string().trim().max(200, '参加方式不能超过 200 个字符').optional(),
});
export type BookingType = z.output<typeof bookingTypeSchema>;
export type BookingTypeInput = z.input<typeof bookingTypeSchema>;

/** The five types the service agreement names, with default durations. */
export const defaultBookingTypes: readonly BookingType[] = [
  {
    key: 'remoteSupport',
    nameZh: '远程支持',
    nameEn: 'Remote support',
    enabled: true,
    mode: 'remote',
    durationMinutes: 60,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    needsQualifiedEngineer: false,
    maySpanBreaks: false,
  },
  {
    key: 'onSite',
    nameZh: '现场服务',
    nameEn: 'On-site service',
    enabled: true,
    mode: 'onSite',
    durationMinutes: 240,
    bufferBeforeMinutes: 60,
    bufferAfterMinutes: 60,
    needsQualifiedEngineer: true,
    // 240 min + 2 × 60 min travel cannot fit in the 180-minute morning: a visit runs through lunch.
    maySpanBreaks: true,
  },
  {
    key: 'consultation',
    nameZh: '咨询电话',
    nameEn: 'Consultation call',
    enabled: true,
    mode: 'phone',
    durationMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    needsQualifiedEngineer: false,
    maySpanBreaks: false,
  },
  {
    key: 'training',
    nameZh: '培训',
    nameEn: 'Training session',
    enabled: true,
    mode: 'remote',
    durationMinutes: 120,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    needsQualifiedEngineer: false,
    // 2 h fits in the morning or the afternoon; durations are wall-clock, so spanning lunch would
    // only add sessions such as 11:30–13:30 that run through the break. Admins may switch it on.
    maySpanBreaks: false,
  },
  {
    key: 'inspectionCall',
    nameZh: '巡检沟通',
    nameEn: 'Inspection call',
    enabled: true,
    mode: 'phone',
    durationMinutes: 60,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    needsQualifiedEngineer: false,
    maySpanBreaks: false,
  },
];

export const slotGranularities = [15, 30, 60] as const;
export type SlotGranularity = (typeof slotGranularities)[number];

export const bookingConfigSchema = z.strictObject({
  types: z
    .array(bookingTypeSchema)
    .min(1, '至少需要一种预约类型')
    .max(20, '预约类型不能超过 20 种')
    .superRefine((types, ctx) => {
      const seen = new Set<string>();
      types.forEach((type, i) => {
        if (seen.has(type.key)) {
          ctx.addIssue({ code: 'custom', message: `类型标识 ${type.key} 重复`, path: [i, 'key'] });
        }
        seen.add(type.key);
      });
    })
    .default(() => defaultBookingTypes.map((type) => ({ ...type }))),
  /** How far ahead customers may book, in calendar days from now. */
  horizonDays: z
    .int('预约范围须为整数天')
    .min(1, '预约范围至少 1 天')
    .max(365, '预约范围不能超过 365 天')
    .default(30),
  /** Bookings start, change and cancel at least this many working minutes ahead (2 working hours). */
  noticeWorkingMinutes: z
    .int('提前量须为整数分钟')
    .min(0, '提前量不能为负数')
    .max(5 * 8 * 60, '提前量不能超过 5 个工作日（2400 分钟）')
    .default(120),
  /** Step between offered start times; starts are aligned to local midnight (09:00, 09:30 …). */
  granularityMinutes: z
    .union(
      slotGranularities.map((g) => z.literal(g)),
      `时段粒度须为 ${slotGranularities.join('、')} 分钟之一`,
    )
    .default(30),
  /** Reminders to both sides, minutes before the start: the day before and half an hour before. */
  reminderMinutesBefore: z
    .array(
      z
        .int('提醒时间须为整数分钟')
        .min(5, '提醒至少提前 5 分钟')
        .max(7 * 24 * 60, '提醒最多提前 7 天（10080 分钟）'),
    )
    .max(5, '提醒最多 5 次')
    .refine((list) => new Set(list).size === list.length, '提醒时间不能重复')
    .default(() => [24 * 60, 30]),
});
export type BookingConfig = z.output<typeof bookingConfigSchema>;
export type BookingConfigInput = z.input<typeof bookingConfigSchema>;

export const defaultBookingConfig: BookingConfig = bookingConfigSchema.parse({});

/** Validates an admin configuration; throws DomainError('validation') listing each problem. */
export function parseBookingConfig(input: unknown): BookingConfig {
  const result = bookingConfigSchema.safeParse(input);
  if (!result.success) {
    throw new DomainError('validation', '预约配置无效', { issues: issuesFromZod(result.error.issues) });
  }
  return result.data;
}

/** The type with `key`; DomainError('validation') when unknown or disabled (and `enabledOnly`). */
export function bookingTypeOf(config: BookingConfig, key: string, enabledOnly = true): BookingType {
  const type = config.types.find((t) => t.key === key);
  if (!type) throw new DomainError('validation', `未知的预约类型：${key}`, { details: { key } });
  if (enabledOnly && !type.enabled) {
    throw new DomainError('validation', `预约类型“${type.nameZh}”已停用`, { details: { key } });
  }
  return type;
}
