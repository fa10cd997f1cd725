import { DomainError } from '../../shared/errors.ts';
import type { Db } from '../db/mongo.ts';
import { type Contact, contactModel, toContact } from './contact-model.ts';
import { groupTeamModel } from './group-team-model.ts';
import { type Organisation, organisationModel, toOrganisation } from './organisation-model.ts';
import { type Staff, staffModel, toStaff } from './staff-model.ts';
import { type Team, teamModel, toTeam } from './team-model.ts';

/**
 * Who the customers and the vendor's staff are. Every lookup on a hot path
 * (each chat message, each group message) is an `_id` equality: the only
 * query the embedded FerretDB answers from an index.
 */

/** A customer user by DingTalk userId, active or not. */
export async function findContact(db: Db, userId: string): Promise<Contact | null> {
  const doc = await contactModel(db).findById(userId).lean();
  return doc ? toContact(doc) : null;
}

/** A staff member by DingTalk userId, active or not. */
export async function findStaff(db: Db, userId: string): Promise<Staff | null> {
  const doc = await staffModel(db).findById(userId).lean();
  return doc ? toStaff(doc) : null;
}

export async function findOrganisation(db: Db, orgId: string): Promise<Organisation | null> {
  const doc = await organisationModel(db).findById(orgId).lean();
  return doc ? toOrganisation(doc) : null;
}

/** Throws DomainError `notFound` when there is no such organisation. */
export async function getOrganisation(db: Db, orgId: string): Promise<Organisation> {
  const org = await findOrganisation(db, orgId);
  if (!org) throw new DomainError('notFound', `组织 ${orgId} 不存在`, { details: { orgId } });
  return org;
}

/** All teams, ordered by id (a handful: read whole). */
export async function listTeams(db: Db): Promise<Team[]> {
  const docs = await teamModel(db).find().sort({ _id: 1 }).lean();
  return docs.map(toTeam);
}

/**
 * The team whose group chat this is: an empty list or one team (the import
 * refuses two teams on one group). Two `_id` reads: the group claim, then the
 * team, which must still name the group (otherwise the claim is stale).
 */
export async function findTeamsByGroup(db: Db, conversationId: string): Promise<Team[]> {
  const claim = await groupTeamModel(db).findById(conversationId).lean();
  if (!claim) return [];
  const team = await teamModel(db).findById(claim.teamId).lean();
  return team && team.groupConversationId === conversationId ? [toTeam(team)] : [];
}

export type WhoIs =
  | { kind: 'contact'; contact: Contact; organisation: Organisation }
  | { kind: 'staff'; staff: Staff }
  | { kind: 'unknown' };

/**
 * Who sent a message. Only active people count: a deactivated contact or
 * staff member is treated like a stranger (use findContact/findStaff to see
 * them). The import keeps the two kinds disjoint; staff is asked first.
 */
export async function whoIs(db: Db, userId: string): Promise<WhoIs> {
  const [staff, contact] = await Promise.all([findStaff(db, userId), findContact(db, userId)]);
  if (staff?.active) return { kind: 'staff', staff };
  if (contact?.active) {
    const organisation = await findOrganisation(db, contact.orgId);
    // The import writes organisations before contacts; an orphan is not served as a customer.
    if (organisation) return { kind: 'contact', contact, organisation };
  }
  return { kind: 'unknown' };
}
