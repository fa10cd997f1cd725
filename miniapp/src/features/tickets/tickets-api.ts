import { z } from 'zod';
import { api } from '../../api.ts';

/** GET /api/tickets (queues) and GET /api/tickets/:no (detail): server/tickets/ticket-routes.ts. */
export const countdownSchema = z.object({
  target: z.string(),
  state: z.enum(['onTrack', 'atRisk', 'breached', 'paused']),
  dueAt: z.string().nullable(),
  atRiskAt: z.string().nullable(),
  msLeft: z.number().nullable(),
  remainingMinutes: z.number(),
  budgetMinutes: z.number(),
  unit: z.string(),
});
export type Countdown = z.infer<typeof countdownSchema>;

export const ticketRowSchema = z.object({
  ticketNo: z.string(),
  title: z.string().default(''),
  orgId: z.string(),
  orgName: z.string().default(''),
  contactName: z.string().default(''),
  productLine: z.string(),
  level: z.number(),
  status: z.string(),
  open: z.boolean(),
  entitled: z.boolean().default(true),
  channel: z.string().default(''),
  teamName: z.string().optional(),
  ownerName: z.string().optional(),
  assigneeName: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  countdown: countdownSchema.nullable(),
});
export type TicketRow = z.infer<typeof ticketRowSchema>;

const queueSchema = z.object({
  queue: z.enum(['triage', 'mine', 'org']),
  now: z.string(),
  tickets: z.array(ticketRowSchema),
  truncated: z.boolean(),
});
export type QueueAnswer = z.infer<typeof queueSchema>;
export type Queue = QueueAnswer['queue'];

const clockSchema = z.object({
  target: z.string(),
  state: z.enum(['onTrack', 'atRisk', 'breached', 'paused', 'met', 'missed']),
  unit: z.string(),
  budgetMinutes: z.number(),
  elapsedMinutes: z.number(),
  dueAt: z.string().nullable(),
  atRiskAt: z.string().nullable(),
  completedAt: z.string().optional(),
});
export type Clock = z.infer<typeof clockSchema>;

const timelineEntrySchema = z.object({
  at: z.string(),
  kind: z.string(),
  by: z.object({ kind: z.string(), name: z.string() }),
  channel: z.string().optional(),
  text: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  action: z.string().optional(),
  reason: z.string().optional(),
  target: z.object({ kind: z.string(), name: z.string().optional() }).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const detailSchema = z.object({
  now: z.string(),
  ticket: ticketRowSchema.extend({
    description: z.string(),
    entitlementNote: z.string().optional(),
    branch: z.string().optional(),
    csat: z.object({ rating: z.number(), comment: z.string().optional() }).optional(),
    sla: z.object({ policyId: z.string(), afterHours: z.boolean(), clocks: z.array(clockSchema) }).nullable(),
    timeline: z.array(timelineEntrySchema),
  }),
});
export type TicketDetail = z.infer<typeof detailSchema>;

export function getQueue(queue: Queue, include: 'open' | 'all'): Promise<QueueAnswer> {
  return api(`/api/tickets?queue=${queue}&include=${include}&limit=100`, queueSchema);
}

export function getTicket(ticketNo: string): Promise<TicketDetail> {
  return api(`/api/tickets/${encodeURIComponent(ticketNo)}`, detailSchema);
}
