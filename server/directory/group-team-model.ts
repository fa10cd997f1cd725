import mongoose from 'mongoose';
import { type Db, model } from '../db/mongo.ts';

/**
 * Which team a group chat belongs to, keyed by the conversation id so the
 * lookup on every group message is an `_id` hit (FerretDB scans otherwise).
 * The team's own `groupConversationId` is the truth: an entry whose team no
 * longer names this group is stale and ignored (the import removes it).
 */
export interface GroupTeamDoc {
  _id: string;
  teamId: string;
}

const schema = new mongoose.Schema<GroupTeamDoc>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
  },
  { collection: 'groupTeams', versionKey: false },
);

export function groupTeamModel(db: Db) {
  return model(db, 'GroupTeam', schema);
}
