import mongoose from 'mongoose';
import { type TeamKind, teamKinds } from '../../shared/schemas/directory-import.ts';
import { type Db, model } from '../db/mongo.ts';
import { withoutNulls } from './without-nulls.ts';

/** A vendor team: the sorting centre, a support group, the product centre or a branch. */
export interface TeamDoc {
  _id: string;
  name: string;
  kind: TeamKind;
  productLines: string[];
  regions: string[];
  /** DingTalk openConversationId of the team's group chat; mirrored in groupTeams for lookup. */
  groupConversationId?: string;
  leadUserId?: string;
  branch?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Team extends Omit<TeamDoc, '_id'> {
  id: string;
}

const schema = new mongoose.Schema<TeamDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: teamKinds, required: true },
    productLines: { type: [String], default: [] },
    regions: { type: [String], default: [] },
    groupConversationId: String,
    leadUserId: String,
    branch: String,
  },
  { collection: 'teams', timestamps: true, versionKey: false },
);
schema.index({ kind: 1 });
schema.index({ productLines: 1 });

export function teamModel(db: Db) {
  return model(db, 'Team', schema);
}

export function toTeam(doc: TeamDoc): Team {
  const { _id, ...rest } = doc;
  return { id: _id, ...withoutNulls(rest) };
}
