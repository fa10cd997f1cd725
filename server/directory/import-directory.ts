import type { AnyBulkWriteOperation } from 'mongoose';
import type { ErrorIssue } from '../../shared/errors.ts';
import {
  checkDirectoryImport,
  completeImport,
  contactEntrySchema,
  type DirectoryImport,
  type DirectoryImportDraft,
  type DirectoryImportOptions,
  organisationEntrySchema,
  staffEntrySchema,
  teamEntrySchema,
  toErrorIssues,
} from '../../shared/schemas/directory-import.ts';
import {
  checkImportReferences,
  type ExistingDirectory,
  importLookups,
} from '../../shared/schemas/directory-import-references.ts';
import type { Db } from '../db/mongo.ts';
import { type ContactDoc, contactModel } from './contact-model.ts';
import { type GroupTeamDoc, groupTeamModel } from './group-team-model.ts';
import { type OrganisationDoc, organisationModel } from './organisation-model.ts';
import { type StaffDoc, staffModel } from './staff-model.ts';
import { type TeamDoc, teamModel } from './team-model.ts';

/**
 * Imports the directory file (format: shared/schemas/directory-import.ts).
 *
 * All or nothing without transactions (FerretDB has none):
 * 1. Every rule is checked before the first write, against one read of what
 *    the database holds; a file with any problem writes nothing.
 * 2. The writes are idempotent upserts keyed by natural `_id`s, each setting
 *    the whole record to what the file says. A crash half-way leaves some
 *    records already as the file wants them and others as before; importing
 *    the same file again finishes the job and changes nothing more.
 * Entries are only added or updated, never deleted: to retire a person, list
 * them with `"active": false`.
 */

export interface CollectionCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export const countedCollections = ['organisations', 'contacts', 'teams', 'staff'] as const;
export type ImportCounts = Record<(typeof countedCollections)[number], CollectionCounts>;

export type ImportResult =
  | { ok: true; dryRun: boolean; counts: ImportCounts }
  | { ok: false; issues: ErrorIssue[] };

export interface ImportOptions extends DirectoryImportOptions {
  /** Check and count, write nothing. */
  dryRun?: boolean;
}

export async function importDirectory(
  db: Db,
  json: unknown,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const { draft, issues } = checkDirectoryImport(json, opts);
  const stored = await loadStored(db, draft);
  issues.push(...checkImportReferences(draft, stored.existing));
  if (issues.length > 0) return { ok: false, issues: toErrorIssues(json, issues) };

  const plan = planWrites(completeImport(draft), stored);
  if (!opts.dryRun) await write(db, plan);
  return { ok: true, dryRun: opts.dryRun ?? false, counts: plan.counts };
}

/** What is already stored for the ids the file names: the input of both the checks and the plan. */
interface Stored {
  existing: ExistingDirectory;
  organisations: Map<string, OrganisationDoc>;
  contacts: Map<string, ContactDoc>;
  teams: Map<string, TeamDoc>;
  staff: Map<string, StaffDoc>;
  groupTeams: Map<string, GroupTeamDoc>;
}

async function loadStored(db: Db, draft: DirectoryImportDraft): Promise<Stored> {
  const lookups = importLookups(draft);
  const ids = <T>(list: (T | undefined)[], key: (x: T) => string) => list.flatMap((x) => (x ? [key(x)] : []));
  const byId = async <T extends { _id: string }>(
    find: (ids: string[]) => Promise<T[]>,
    wanted: string[],
  ): Promise<Map<string, T>> => {
    const unique = [...new Set(wanted)];
    // `$in` scans on FerretDB: one query per collection per import, none when nothing is asked.
    const docs = unique.length > 0 ? await find(unique) : [];
    return new Map(docs.map((d) => [d._id, d]));
  };
  const Organisation = organisationModel(db);
  const Contact = contactModel(db);
  const Team = teamModel(db);
  const Staff = staffModel(db);
  const GroupTeam = groupTeamModel(db);

  const [organisations, contacts, staff, groupTeams] = await Promise.all([
    byId(
      (x) => Organisation.find({ _id: { $in: x } }).lean(),
      ids(draft.organisations, (o) => o.id),
    ),
    byId((x) => Contact.find({ _id: { $in: x } }).lean(), lookups.contactIds),
    byId(
      (x) => Staff.find({ _id: { $in: x } }).lean(),
      [...lookups.staffIds, ...ids(draft.staff, (s) => s.userId)],
    ),
    byId((x) => GroupTeam.find({ _id: { $in: x } }).lean(), lookups.conversationIds),
  ]);
  const teams = await byId(
    (x) => Team.find({ _id: { $in: x } }).lean(),
    [...lookups.teamIds, ...ids(draft.teams, (t) => t.id), ...[...groupTeams.values()].map((g) => g.teamId)],
  );
  // A claim counts only while its team still names the group (see group-team-model.ts).
  const groupOwners = new Map(
    [...groupTeams.values()]
      .filter((g) => teams.get(g.teamId)?.groupConversationId === g._id)
      .map((g) => [g._id, g.teamId]),
  );
  const existing: ExistingDirectory = {
    contactOrgs: new Map([...contacts.values()].map((c) => [c._id, c.orgId])),
    staffIds: new Set(staff.keys()),
    teamIds: new Set(teams.keys()),
    groupOwners,
  };
  return { existing, organisations, contacts, teams, staff, groupTeams };
}

type Fields = Record<string, unknown>;

interface CollectionPlan {
  /** Full records (without `_id`) to upsert: new or changed. */
  upserts: { _id: string; fields: Fields; unset: string[] }[];
  counts: CollectionCounts;
}

interface Plan {
  counts: ImportCounts;
  organisations: CollectionPlan;
  contacts: CollectionPlan;
  teams: CollectionPlan;
  staff: CollectionPlan;
  groupClaims: GroupTeamDoc[];
  staleGroupClaims: GroupTeamDoc[];
}

function planWrites(file: DirectoryImport, stored: Stored): Plan {
  const organisations = planCollection(
    file.organisations.map(({ id, contacts: _contacts, ...fields }) => ({ _id: id, fields })),
    stored.organisations,
    fieldsOf(organisationEntrySchema, ['id', 'contacts']),
  );
  const contacts = planCollection(
    file.organisations.flatMap((org) =>
      org.contacts.map(({ userId, ...fields }) => ({ _id: userId, fields: { orgId: org.id, ...fields } })),
    ),
    stored.contacts,
    ['orgId', ...fieldsOf(contactEntrySchema, ['userId'])],
  );
  const teams = planCollection(
    file.teams.map(({ id, ...fields }) => ({ _id: id, fields })),
    stored.teams,
    fieldsOf(teamEntrySchema, ['id']),
  );
  const staff = planCollection(
    file.staff.map(({ userId, ...fields }) => ({ _id: userId, fields })),
    stored.staff,
    fieldsOf(staffEntrySchema, ['userId']),
  );

  const groupClaims = file.teams.flatMap((t) =>
    t.groupConversationId !== undefined && stored.groupTeams.get(t.groupConversationId)?.teamId !== t.id
      ? [{ _id: t.groupConversationId, teamId: t.id }]
      : [],
  );
  const staleGroupClaims = file.teams.flatMap((t) => {
    const old = stored.teams.get(t.id)?.groupConversationId;
    return old != null && old !== t.groupConversationId ? [{ _id: old, teamId: t.id }] : [];
  });

  return {
    counts: {
      organisations: organisations.counts,
      contacts: contacts.counts,
      teams: teams.counts,
      staff: staff.counts,
    },
    organisations,
    contacts,
    teams,
    staff,
    groupClaims,
    staleGroupClaims,
  };
}

/** A stored record holds exactly the fields of its file entry, minus the key (and nested lists kept apart). */
function fieldsOf(schema: { shape: object }, without: string[]): string[] {
  return Object.keys(schema.shape).filter((k) => !without.includes(k));
}

/**
 * Compares each wanted record with the stored one over `keys` (every field
 * the record may have); only new or different records are written, and a
 * field the file leaves out is removed from the stored record.
 */
function planCollection(
  wanted: { _id: string; fields: Fields }[],
  stored: ReadonlyMap<string, object>,
  keys: readonly string[],
): CollectionPlan {
  const plan: CollectionPlan = { upserts: [], counts: { created: 0, updated: 0, unchanged: 0 } };
  for (const { _id, fields } of wanted) {
    const before = stored.get(_id) as Fields | undefined;
    if (before && keys.every((k) => canonical(before[k]) === canonical(fields[k]))) {
      plan.counts.unchanged++;
      continue;
    }
    if (before) plan.counts.updated++;
    else plan.counts.created++;
    // The values come from JSON: the round trip drops nested undefined (e.g. a licence without version).
    const set = JSON.parse(JSON.stringify(fields)) as Fields;
    const unset = keys.filter((k) => set[k] === undefined);
    plan.upserts.push({ _id, fields: set, unset });
  }
  return plan;
}

/** JSON with sorted keys, absent = null = undefined: equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  const normalise = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalise);
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x != null)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, normalise(x)]),
      );
    }
    return v ?? null;
  };
  return JSON.stringify(normalise(value));
}

function upsertOps(plan: CollectionPlan): AnyBulkWriteOperation[] {
  return plan.upserts.map(({ _id, fields, unset }) => ({
    updateOne: {
      filter: { _id },
      update: {
        $set: fields,
        ...(unset.length > 0 && { $unset: Object.fromEntries(unset.map((k) => [k, 1])) }),
      },
      upsert: true,
    },
  }));
}

/**
 * Order: teams and their group claims first (staff and routing point at
 * teams), then staff, organisations, contacts (a contact is served only once
 * its organisation exists). Stale group claims go last; readers ignore them
 * anyway because the team record is the truth.
 */
async function write(db: Db, plan: Plan): Promise<void> {
  const run = async (
    model: { bulkWrite(ops: AnyBulkWriteOperation[]): Promise<unknown> },
    ops: AnyBulkWriteOperation[],
  ) => {
    if (ops.length > 0) await model.bulkWrite(ops);
  };
  const GroupTeam = groupTeamModel(db);
  await run(teamModel(db), upsertOps(plan.teams));
  await run(
    GroupTeam,
    plan.groupClaims.map((c) => ({
      updateOne: { filter: { _id: c._id }, update: { $set: { teamId: c.teamId } }, upsert: true },
    })),
  );
  await run(staffModel(db), upsertOps(plan.staff));
  await run(organisationModel(db), upsertOps(plan.organisations));
  await run(contactModel(db), upsertOps(plan.contacts));
  await run(
    GroupTeam,
    plan.staleGroupClaims.map((c) => ({ deleteOne: { filter: { _id: c._id, teamId: c.teamId } } })),
  );
}
