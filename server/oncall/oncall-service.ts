import mongoose from 'mongoose';
import { z } from 'zod';
import { defaultOnCallBranch } from '../../shared/catalog.ts';
import { DomainError, issuesFromZod } from '../../shared/errors.ts';
import { shanghaiDate } from '../../shared/schemas/entitlement.ts';
import { isoDateSchema } from '../../shared/schemas/iso-date.ts';
import { type Db, model } from '../db/mongo.ts';
import { contactModel } from '../directory/contact-model.ts';
import { listTeams } from '../directory/directory-service.ts';
import { organisationModel } from '../directory/organisation-model.ts';
import type { Team } from '../directory/team-model.ts';
import type { Notice } from '../notifications/outbox.ts';

/**
 * Branch on-call rosters (值班表): who takes urgent problems outside the
 * standard calendar (agreement: 西安分公司 by default), with the phone and
 * email the customer is given. One document per branch, `_id` = branch name.
 */
export const rosterEntrySchema = z.strictObject({
  userId: z.string().trim().min(1, '必填').max(64),
  name: z.string().trim().min(1, '必填').max(40),
  phone: z.string().trim().min(3, '电话太短').max(30),
  email: z.email('邮箱格式不对').optional(),
  /** Inclusive dates (Asia/Shanghai) the person is on call; none = always. */
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export const rosterInputSchema = z.strictObject({
  branch: z.string().trim().min(1, '必填').max(60),
  entries: z.array(rosterEntrySchema).min(1, '值班表至少需要一人').max(100),
});

export interface Roster {
  _id: string;
  entries: RosterEntry[];
  version: number;
  updatedAt: Date;
  updatedBy?: string;
}

const rosterSchema = new mongoose.Schema<Roster>(
  { _id: String, entries: mongoose.Schema.Types.Mixed, version: Number, updatedAt: Date, updatedBy: String },
  { versionKey: false, minimize: false },
);

export function rosterModel(db: Db) {
  return model<Roster>(db, 'OnCallRoster', rosterSchema);
}

export async function getRoster(db: Db, branch: string): Promise<Roster | null> {
  return (await rosterModel(db).findById(branch).lean()) as Roster | null;
}

/** Who is on call for the branch at an instant (all entries without dates, or whose dates include it). */
export async function onCallNow(db: Db, branch: string, at: Date): Promise<RosterEntry[]> {
  const roster = await getRoster(db, branch);
  if (!roster) return [];
  const day = shanghaiDate(at);
  return roster.entries.filter((e) => (!e.from || e.from <= day) && (!e.to || e.to >= day));
}

/** The branch team (its group chat, lead) for a branch name. */
export async function branchTeam(db: Db, branch: string): Promise<Team | undefined> {
  const teams = await listTeams(db);
  return teams.find((t) => t.kind === 'branch' && (t.branch ?? t.name) === branch);
}

export function branchOf(org: { branch?: string | undefined }): string {
  return org.branch || defaultOnCallBranch;
}

export async function setRoster(
  db: Db,
  input: unknown,
  by: string,
  now: Date,
): Promise<{ roster: Roster; previous: Roster | null }> {
  const parsed = rosterInputSchema.safeParse(input);
  if (!parsed.success)
    throw new DomainError('validation', '值班表有误', { issues: issuesFromZod(parsed.error.issues) });
  for (const [i, e] of parsed.data.entries.entries())
    if (e.from && e.to && e.from > e.to)
      throw new DomainError('validation', '值班表有误', {
        issues: [{ path: `entries[${i}].to`, message: '结束日期早于开始日期' }],
      });
  const previous = await getRoster(db, parsed.data.branch);
  const roster: Roster = {
    _id: parsed.data.branch,
    entries: parsed.data.entries,
    version: (previous?.version ?? 0) + 1,
    updatedAt: now,
    updatedBy: by,
  };
  await rosterModel(db).replaceOne({ _id: roster._id }, roster, { upsert: true });
  return { roster, previous };
}

/** Whether the contacts customers see (names, phones, emails) changed. */
export function contactsChanged(before: Roster | null, after: Roster): boolean {
  const key = (r: Roster | null) =>
    JSON.stringify((r?.entries ?? []).map((e) => [e.name, e.phone, e.email ?? '', e.from ?? '', e.to ?? '']));
  return key(before) !== key(after);
}

/** zh-CN lines telling a customer who is on call. */
export function describeOnCall(entries: RosterEntry[]): string {
  if (entries.length === 0) return '请拨打服务热线。';
  return entries.map((e) => `${e.name}　电话 ${e.phone}${e.email ? `　邮箱 ${e.email}` : ''}`).join('\n');
}

/**
 * Tells every active contact of the organisations this branch serves who is
 * on call now (agreement: changes of those contacts are notified to the
 * customer promptly). One outbox item per person and roster version, so a
 * retried request sends nothing twice.
 */
export async function noticesForRosterChange(
  db: Db,
  roster: Roster,
): Promise<Array<{ key: string; notice: Notice }>> {
  const orgs = await organisationModel(db).find({ branch: roster._id }, { _id: 1, name: 1 }).lean();
  if (orgs.length === 0) return [];
  const contacts = await contactModel(db)
    .find({ orgId: { $in: orgs.map((o) => o._id) }, active: true }, { _id: 1 })
    .lean();
  const text = [
    `#### ${roster._id}值班联系人已更新`,
    '非工作时间的紧急问题，请联系：',
    '',
    ...roster.entries.map(
      (e) =>
        `- ${e.name}　电话 ${e.phone}${e.email ? `　邮箱 ${e.email}` : ''}${e.from || e.to ? `（${e.from ?? ''}–${e.to ?? ''}）` : ''}`,
    ),
  ].join('\n');
  return contacts.map((c) => ({
    key: `oncall-change:${roster._id}:v${roster.version}:${c._id}`,
    notice: {
      kind: 'users',
      userIds: [String(c._id)],
      message: { type: 'markdown', title: '值班联系人已更新', text },
    },
  }));
}
