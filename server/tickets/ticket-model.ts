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

export interface TimelineEntry {
  at: Date;
  kind: 'created' | 'status' | 'comment' | 'attachment';
  by: Actor;
  channel: Channel;
  text?: string;
  from?: TicketStatus;
  to?: TicketStatus;
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
  { at: Date, kind: String, by: actorSchema, channel: String, text: String, from: String, to: String },
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
    createdAt: Date,
    updatedAt: Date,
    timeline: [timelineSchema],
  },
  { versionKey: false },
);
ticketSchema.index({ orgId: 1, open: 1, createdAt: -1 });

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
