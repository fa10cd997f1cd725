import mongoose from 'mongoose';
import { type StaffRole, staffRoles } from '../../shared/schemas/directory-import.ts';
import { type Db, model } from '../db/mongo.ts';
import { withoutNulls } from './without-nulls.ts';

/** A vendor staff member (engineer, dispatcher, lead, admin); `_id` is the DingTalk userId. */
export interface StaffDoc {
  _id: string;
  name: string;
  teamIds: string[];
  roles: StaffRole[];
  phone?: string;
  email?: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Staff extends Omit<StaffDoc, '_id'> {
  userId: string;
}

const schema = new mongoose.Schema<StaffDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    teamIds: { type: [String], default: [] },
    roles: { type: [{ type: String, enum: staffRoles }], default: [] },
    phone: String,
    email: String,
    active: { type: Boolean, required: true, default: true },
  },
  { collection: 'staff', timestamps: true, versionKey: false },
);
schema.index({ teamIds: 1 });
schema.index({ roles: 1 });

export function staffModel(db: Db) {
  return model(db, 'Staff', schema);
}

export function toStaff(doc: StaffDoc): Staff {
  const { _id, ...rest } = doc;
  return { userId: _id, ...withoutNulls(rest) };
}
