import mongoose from 'mongoose';
import { type Db, model } from '../db/mongo.ts';

/**
 * One session token. `_id` is the SHA-256 of the token (the token itself is
 * only ever in the cookie), so every lookup is an `_id` equality — the one
 * query the embedded FerretDB answers from an index.
 *
 * Rotation inserts a new document (the successor, `previousId` → this one)
 * and then marks this one `replacedBy`: FerretDB does not isolate updates,
 * inserts with a fresh `_id` are exclusive. A chain of rotated tokens keeps
 * the sign-in time, hence the absolute expiry.
 */
export interface SessionDoc {
  _id: string;
  userId: string;
  /** When the person signed in (start of the rotation chain). */
  signedInAt: Date;
  /** When this token was issued (sign-in or rotation). */
  issuedAt: Date;
  /** Last use, written at most once a minute. */
  lastSeenAt: Date;
  absoluteExpiresAt: Date;
  previousId?: string;
  replacedBy?: string;
  replacedAt?: Date;
  endedAt?: Date;
  endReason?: SessionEndReason;
}

export type SessionEndReason = 'logout' | 'signedInAgain' | 'notInDirectory';

const schema = new mongoose.Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    signedInAt: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    absoluteExpiresAt: { type: Date, required: true },
    previousId: String,
    replacedBy: String,
    replacedAt: Date,
    endedAt: Date,
    endReason: String,
  },
  { collection: 'sessions', versionKey: false },
);
// for the purge of expired sessions (a scan on FerretDB; an index on MongoDB)
schema.index({ absoluteExpiresAt: 1 });

export function sessionModel(db: Db) {
  return model(db, 'Session', schema);
}
