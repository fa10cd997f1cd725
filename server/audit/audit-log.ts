import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { insertBatcher } from '../db/insert-batcher.ts';
import { type Db, model } from '../db/mongo.ts';

/**
 * Who changed which setting, when, from what to what. Insert-only: one
 * document per change, never updated. Listed per subject newest first
 * (a scan on the embedded database: admin screens only, never a hot path).
 */
export interface AuditEntry {
  _id: string;
  at: Date;
  by: string;
  /** What was changed, e.g. `sla-policies`, `calendar`, `oncall:西安分公司`. */
  subject: string;
  action: string;
  before: unknown;
  after: unknown;
}

const auditSchema = new mongoose.Schema<AuditEntry>(
  {
    _id: String,
    at: Date,
    by: String,
    subject: String,
    action: String,
    before: mongoose.Schema.Types.Mixed,
    after: mongoose.Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false },
);
auditSchema.index({ subject: 1, at: -1 });

export function auditModel(db: Db) {
  return model<AuditEntry>(db, 'AuditEntry', auditSchema);
}

export async function recordAudit(db: Db, entry: Omit<AuditEntry, '_id'>): Promise<void> {
  await insertBatcher<AuditEntry>(auditModel(db)).insert({ _id: randomUUID(), ...entry });
}

export async function auditHistory(db: Db, subjectPrefix: string, limit = 100): Promise<AuditEntry[]> {
  const escaped = subjectPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (await auditModel(db)
    .find({ subject: { $regex: `^${escaped}` } })
    .sort({ at: -1 })
    .limit(limit)
    .lean()) as AuditEntry[];
}
