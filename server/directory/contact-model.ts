import mongoose from 'mongoose';
import { type Db, model } from '../db/mongo.ts';
import { withoutNulls } from './without-nulls.ts';

/** A customer user (客户); `_id` is the DingTalk userId, the key every chat message carries. */
export interface ContactDoc {
  _id: string;
  orgId: string;
  name: string;
  phone?: string;
  email?: string;
  title?: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Contact extends Omit<ContactDoc, '_id'> {
  userId: string;
}

const schema = new mongoose.Schema<ContactDoc>(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    name: { type: String, required: true },
    phone: String,
    email: String,
    title: String,
    active: { type: Boolean, required: true, default: true },
  },
  { collection: 'contacts', timestamps: true, versionKey: false },
);
schema.index({ orgId: 1 });

export function contactModel(db: Db) {
  return model(db, 'Contact', schema);
}

export function toContact(doc: ContactDoc): Contact {
  const { _id, ...rest } = doc;
  return { userId: _id, ...withoutNulls(rest) };
}
