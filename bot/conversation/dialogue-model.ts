import mongoose from 'mongoose';
import { type Db, model } from '../../server/db/mongo.ts';
import type { OutMessage } from '../../server/dingtalk/message.ts';
import type { FilingDraft, FilingStep } from './filing.ts';

/**
 * Dialogue state per (conversation, sender), in the database so a restart
 * between two turns loses nothing. `lastMsgId` + `lastReplies` make a turn
 * idempotent: a message seen again (redelivery, resumed inbox item) gets the
 * same replies and changes nothing.
 */
export type DialogueState =
  | { kind: 'idle' }
  | { kind: 'filing'; step: FilingStep; draft: FilingDraft; startedAt: Date }
  /** 服务预约: choosing the type, then a slot (free text dates re-offer slots). */
  | { kind: 'booking'; step: 'type' | 'slot'; typeKey?: string; ticketNo?: string; startedAt: Date }
  /** 改约: choosing the new slot of a booking. */
  | { kind: 'rescheduling'; bookingId: string; startedAt: Date };

export interface Dialogue {
  _id: string;
  state: DialogueState;
  lastMsgId?: string;
  lastReplies: OutMessage[];
  updatedAt: Date;
}

const dialogueSchema = new mongoose.Schema<Dialogue>(
  {
    _id: String,
    state: mongoose.Schema.Types.Mixed,
    lastMsgId: String,
    lastReplies: mongoose.Schema.Types.Mixed,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false },
);

export function dialogueModel(db: Db) {
  return model<Dialogue>(db, 'Dialogue', dialogueSchema);
}

export function dialogueKey(conversationId: string, userId: string): string {
  return `${conversationId}|${userId}`;
}
