import { z } from 'zod';
import { bookingModes } from '../../../../shared/booking/booking-types.ts';
import { api, okSchema } from '../../api.ts';

/**
 * 服务预约 (server/bookings/booking-routes.ts): the bookings list (engineers: their own), cancel
 * and record a session; the configuration (GET for staff, PUT for admins, the whole at once); the
 * engineers who take bookings; their time off.
 */
export const bookingStatuses = ['booked', 'completed', 'cancelled'] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

const sessionSchema = z.object({
  minutes: z.number(),
  recordedAt: z.string(),
  recordedBy: z.string(),
  note: z.string().optional(),
});

const bookingSchema = z.object({
  id: z.string(),
  status: z.enum(bookingStatuses),
  type: z.object({ key: z.string(), nameZh: z.string(), nameEn: z.string(), mode: z.enum(bookingModes) }),
  start: z.string(),
  end: z.string(),
  org: z.object({ id: z.string(), name: z.string() }),
  contact: z.object({ userId: z.string(), name: z.string(), phone: z.string().optional() }),
  engineer: z.object({ userId: z.string(), name: z.string() }),
  ticketNo: z.string().optional(),
  note: z.string().optional(),
  joinInfo: z.string(),
  session: sessionSchema.optional(),
  canCancel: z.boolean(),
  canRecordSession: z.boolean(),
});
export type BookingRow = z.infer<typeof bookingSchema>;

const listSchema = z.object({
  now: z.string(),
  from: z.string(),
  to: z.string(),
  engineerId: z.string().optional(),
  bookings: z.array(bookingSchema),
  truncated: z.boolean(),
});
export type BookingList = z.infer<typeof listSchema>;

export interface BookingFilter {
  /** Beijing calendar days, both included. */
  from?: string;
  to?: string;
  engineerId?: string;
  status?: BookingStatus;
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const getBookings = (f: BookingFilter = {}) => api(`/api/bookings${query({ ...f })}`, listSchema);

const oneSchema = z.object({ booking: bookingSchema });

export const cancelBooking = (id: string, reason?: string) =>
  api(`/api/bookings/${encodeURIComponent(id)}/cancel`, oneSchema, {
    method: 'POST',
    body: reason ? { reason } : {},
  });

export const recordSession = (id: string, minutes: number, note?: string) =>
  api(`/api/bookings/${encodeURIComponent(id)}/session`, oneSchema, {
    method: 'POST',
    body: { minutes, ...(note ? { note } : {}) },
  });

// ---- configuration

const typeSchema = z.object({
  key: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  enabled: z.boolean(),
  mode: z.enum(bookingModes),
  durationMinutes: z.number(),
  bufferBeforeMinutes: z.number(),
  bufferAfterMinutes: z.number(),
  needsQualifiedEngineer: z.boolean(),
  maySpanBreaks: z.boolean(),
  joinInfoZh: z.string().optional(),
});
export type BookingTypeRow = z.infer<typeof typeSchema>;

const configSchema = z.object({
  types: z.array(typeSchema),
  horizonDays: z.number(),
  noticeWorkingMinutes: z.number(),
  granularityMinutes: z.number(),
  reminderMinutesBefore: z.array(z.number()),
});
export type BookingConfigRow = z.infer<typeof configSchema>;

const configAnswer = z.object({ config: configSchema });

export const getBookingConfig = () => api('/api/booking-config', configAnswer);
export const putBookingConfig = (config: unknown) =>
  api('/api/booking-config', configAnswer, { method: 'PUT', body: config });

// ---- engineers and time off

const engineerSchema = z.object({ userId: z.string(), name: z.string(), teamIds: z.array(z.string()) });
export type Engineer = z.infer<typeof engineerSchema>;

export const getEngineers = () =>
  api('/api/booking-engineers', z.object({ engineers: z.array(engineerSchema) }));

const timeOffSchema = z.object({
  id: z.string(),
  engineerId: z.string(),
  engineerName: z.string(),
  from: z.string(),
  to: z.string(),
  reason: z.string().optional(),
  createdBy: z.string(),
  canRemove: z.boolean(),
});
export type TimeOffRow = z.infer<typeof timeOffSchema>;

export const getTimeOff = (engineerId?: string) =>
  api(
    `/api/time-off${query({ engineerId })}`,
    z.object({ from: z.string(), to: z.string(), timeOff: z.array(timeOffSchema) }),
  );

export const addTimeOff = (body: { engineerId: string; from: string; to: string; reason?: string }) =>
  api('/api/time-off', z.object({ timeOff: timeOffSchema }), { method: 'POST', body });

export const removeTimeOff = (id: string) =>
  api(`/api/time-off/${encodeURIComponent(id)}`, okSchema, { method: 'DELETE' });
