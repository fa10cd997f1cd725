import mongoose from 'mongoose';
import type { ResponseLevel } from '../../shared/catalog.ts';
import type { TicketStatus } from '../../shared/ticket/status.ts';
import { type Db, model } from '../db/mongo.ts';

export type Channel = 'dingtalk' | 'miniapp' | 'hotline' | 'email' | 'api';

export interface Actor {
  kind: 'customer' | 'staff' | 'system';
  userId?: string;
  name: string;
}

export type TimelineKind =
  | 'created'
  | 'status'
  /** A vendor reply the customer saw (counts as a response for the SLA). */
  | 'reply'
  /** A message from the customer about the ticket. */
  | 'customerMessage'
  /** An internal note, not shown to the customer. */
  | 'comment'
  | 'attachment'
  /** 远程服务: phone, video or remote control, with duration (counts as a response). */
  | 'remoteSession'
  | 'onSite'
  | 'levelChange'
  | 'csat';

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  by: Actor;
  channel: Channel | 'system';
  text?: string;
  from?: TicketStatus;
  to?: TicketStatus;
  /** The lifecycle action (shared/ticket/transitions.ts) of a status entry. */
  action?: string;
  reason?: string;
  target?: { kind: 'team' | 'person'; id: string; name?: string };
  /** Owner and assignee after this entry (首问负责制 appears in the timeline). */
  ownerUserId?: string;
  assigneeUserId?: string;
  data?: Record<string, unknown>;
}

/** A stored snapshot of one SLA clock (see shared/sla/compute-sla-clocks.ts), for lists and reports. */
export interface SlaClockSnapshot {
  target: string;
  state: string;
  unit: string;
  budgetMinutes: number;
  elapsedMinutes: number;
  dueAt: Date | null;
  atRiskAt: Date | null;
  completedAt?: Date;
}

/**
 * What the SLA engine needs besides the status history, and the last
 * computed clocks. Absent on tickets without a commitment (no valid service
 * period): those are kept out of SLA statistics.
 */
export interface TicketSla {
  policyId: string;
  /** Reported outside the working calendar (after-hours handling applied). */
  afterHours: boolean;
  firstResponseAt?: Date;
  vendorUpdates?: Date[];
  resolvedAt?: Date;
  onSite?: { requiredAt: Date; arrivedAt?: Date };
  clocks: SlaClockSnapshot[];
  evaluatedAt: Date;
}

export interface Ticket {
  /** The readable number, e.g. SD-2026-000123: the hot lookup is by number. */
  _id: string;
  orgId: string;
  orgName: string;
  contactUserId: string;
  contactName: string;
  productLine: string;
  level: ResponseLevel;
  title: string;
  description: string;
  status: TicketStatus;
  /** Whether the organisation held a valid service period for this product line when filed. */
  entitled: boolean;
  entitlementNote?: string;
  channel: Channel;
  /** Conversation the ticket was filed from, to reach the customer later. */
  conversationId?: string;
  open: boolean;
  /** Contract tier of the organisation when filed (selects the SLA policy). */
  tier?: string;
  /** Branch responsible for after-hours service (default 西安分公司). */
  branch?: string;
  /** Team working the ticket; unset while in the sorting centre. */
  teamId?: string;
  /** First-contact owner (首问负责人) and current assignee. */
  ownerUserId?: string;
  assigneeUserId?: string;
  sla?: TicketSla;
  /** Ticket type (shared/routing/ticket-types.ts), suggested at filing, confirmed by the sorting centre. */
  type?: string;
  /** The sorting centre's suggestion at filing. */
  triage?: {
    suggestedType: string;
    suggestedLevel: number;
    suggestedProductLine?: string;
    suggestedTeamId: string;
    reasons: string[];
  };
  /** When it left the sorting centre (triage time = triagedAt − createdAt). */
  triagedAt?: Date;
  /** Chargeable customisation (变更需求): told to the customer, kept out of SLA statistics. */
  chargeable?: boolean;
  /** The earlier ticket this one continues. */
  relatedTo?: string;
  /** Events applied (server/tickets/lifecycle-service.ts): the projection's position in the event log. */
  version?: number;
  solutionProposedAt?: Date;
  autoClosedAt?: Date;
  lastCustomerMessageAt?: Date;
  csat?: { rating: number; comment?: string; at: Date };
  /** Earliest pending SLA escalation (at-risk or breach); null when none. Indexed. */
  nextEscalationAt?: Date | null;
  /** Idempotency key from the source (`dingtalk:<msgId>`, an email Message-ID, a hotline call id); unique. */
  sourceKey: string;
  createdAt: Date;
  updatedAt: Date;
  timeline: TimelineEntry[];
}

const actorSchema = new mongoose.Schema<Actor>(
  { kind: String, userId: String, name: String },
  { _id: false },
);

const timelineSchema = new mongoose.Schema<TimelineEntry>(
  {
    at: Date,
    kind: String,
    by: actorSchema,
    channel: String,
    text: String,
    from: String,
    to: String,
    action: String,
    reason: String,
    target: mongoose.Schema.Types.Mixed,
    ownerUserId: String,
    assigneeUserId: String,
    data: mongoose.Schema.Types.Mixed,
  },
  { _id: false },
);

const ticketSchema = new mongoose.Schema<Ticket>(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true, index: true },
    orgName: String,
    contactUserId: { type: String, required: true },
    contactName: String,
    productLine: { type: String, required: true },
    level: { type: Number, required: true, min: 1, max: 5 },
    title: String,
    description: { type: String, required: true },
    status: { type: String, required: true },
    entitled: Boolean,
    entitlementNote: String,
    channel: String,
    conversationId: String,
    open: { type: Boolean, required: true },
    sourceKey: { type: String, required: true, unique: true },
    tier: String,
    branch: String,
    teamId: String,
    ownerUserId: String,
    assigneeUserId: String,
    sla: mongoose.Schema.Types.Mixed,
    nextEscalationAt: { type: Date, default: null },
    version: { type: Number, default: 0 },
    type: String,
    triage: mongoose.Schema.Types.Mixed,
    triagedAt: Date,
    chargeable: Boolean,
    relatedTo: String,
    solutionProposedAt: Date,
    autoClosedAt: Date,
    lastCustomerMessageAt: Date,
    csat: mongoose.Schema.Types.Mixed,
    createdAt: Date,
    updatedAt: Date,
    timeline: [timelineSchema],
  },
  { versionKey: false },
);
ticketSchema.index({ orgId: 1, open: 1, createdAt: -1 });
// On MongoDB the queues and reports use this index; the sweep reads timer buckets (server/timers).
ticketSchema.index({ nextEscalationAt: 1 });

export function ticketModel(db: Db) {
  return model<Ticket>(db, 'Ticket', ticketSchema);
}

interface Counter {
  _id: string;
  seq: number;
}
const counterSchema = new mongoose.Schema<Counter>({ _id: String, seq: Number }, { versionKey: false });

export function counterModel(db: Db) {
  return model<Counter>(db, 'Counter', counterSchema);
}
