import { type DirectoryImportDraft, type ImportIssue, rawEntries, rawKey } from './directory-import.ts';

/**
 * The rules of a directory import that need what the database already holds.
 * Pure: the server loads an `ExistingDirectory` for the ids `importLookups`
 * names (by `_id`, never by scanning) and calls `checkImportReferences`.
 */
export interface ImportLookups {
  /** Look up in contacts: the file's contacts (other organisation?) and staff (already a contact?). */
  contactIds: string[];
  /** Look up in staff: the file's contacts (already staff?) and team leads not in the file. */
  staffIds: string[];
  /** Look up in teams: staff teamIds not in the file. */
  teamIds: string[];
  /** Look up in the group → team claims: the file's group conversations. */
  conversationIds: string[];
}

export interface ExistingDirectory {
  /** userId → orgId of contacts already in the database (at least those looked up). */
  contactOrgs: ReadonlyMap<string, string>;
  staffIds: ReadonlySet<string>;
  teamIds: ReadonlySet<string>;
  /** conversationId → id of the team whose stored record claims that group. */
  groupOwners: ReadonlyMap<string, string>;
}

export const emptyDirectory: ExistingDirectory = {
  contactOrgs: new Map(),
  staffIds: new Set(),
  teamIds: new Set(),
  groupOwners: new Map(),
};

/** Ids the file names, including those of entries that are invalid (so they do not show up as "unknown"). */
function idsInFile(draft: DirectoryImportDraft) {
  const ids = (section: string, key: string) =>
    new Set(rawEntries(draft.raw, section).flatMap((e) => rawKey(e, key) ?? []));
  return { teams: ids('teams', 'id'), staff: ids('staff', 'userId') };
}

export function importLookups(draft: DirectoryImportDraft): ImportLookups {
  const inFile = idsInFile(draft);
  const contacts = draft.organisations.flatMap((o) => o?.contacts.map((c) => c.userId) ?? []);
  const staff = draft.staff.flatMap((s) => (s ? [s.userId] : []));
  const leads = draft.teams.flatMap((t) =>
    t?.leadUserId && !inFile.staff.has(t.leadUserId) ? [t.leadUserId] : [],
  );
  const implementers = draft.organisations.flatMap(
    (o) => o?.implementationStaffIds.filter((id) => !inFile.staff.has(id)) ?? [],
  );
  const teams = draft.staff.flatMap((s) => s?.teamIds.filter((id) => !inFile.teams.has(id)) ?? []);
  const cids = draft.teams.flatMap((t) => (t?.groupConversationId ? [t.groupConversationId] : []));
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    contactIds: unique([...contacts, ...staff]),
    staffIds: unique([...contacts, ...leads, ...implementers]),
    teamIds: unique(teams),
    conversationIds: unique(cids),
  };
}

export function checkImportReferences(
  draft: DirectoryImportDraft,
  existing: ExistingDirectory,
): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const inFile = idsInFile(draft);

  draft.organisations.forEach((org, o) => {
    org?.implementationStaffIds.forEach((userId, i) => {
      if (!inFile.staff.has(userId) && !existing.staffIds.has(userId)) {
        issues.push({
          path: ['organisations', o, 'implementationStaffIds', i],
          message: `实施人员 ${userId} 不是已知员工（文件和数据库中都没有）`,
        });
      }
    });
    org?.contacts.forEach((contact, c) => {
      const path = ['organisations', o, 'contacts', c, 'userId'];
      const orgId = existing.contactOrgs.get(contact.userId);
      if (orgId !== undefined && orgId !== org.id) {
        issues.push({ path, message: `该钉钉用户已是组织 ${orgId} 的联系人` });
      }
      if (existing.staffIds.has(contact.userId)) {
        issues.push({ path, message: '该钉钉用户已登记为员工，不能同时作为客户联系人' });
      }
    });
  });

  draft.teams.forEach((team, t) => {
    if (!team) return;
    if (team.leadUserId && !inFile.staff.has(team.leadUserId) && !existing.staffIds.has(team.leadUserId)) {
      issues.push({
        path: ['teams', t, 'leadUserId'],
        message: `负责人 ${team.leadUserId} 不是已知员工（文件和数据库中都没有）`,
      });
    }
    const cid = team.groupConversationId;
    const owner = cid === undefined ? undefined : existing.groupOwners.get(cid);
    // A team listed in this file gives up its old group by naming another one, so only owners
    // the file does not mention still hold their claim.
    if (owner !== undefined && owner !== team.id && !inFile.teams.has(owner)) {
      issues.push({
        path: ['teams', t, 'groupConversationId'],
        message: `群会话 ${cid} 已属于数据库中的团队 ${owner}，一个群只能对应一个团队`,
      });
    }
  });

  draft.staff.forEach((member, s) => {
    if (!member) return;
    const orgId = existing.contactOrgs.get(member.userId);
    if (orgId !== undefined) {
      issues.push({
        path: ['staff', s, 'userId'],
        message: `该钉钉用户已是组织 ${orgId} 的客户联系人，不能同时登记为员工`,
      });
    }
    member.teamIds.forEach((teamId, i) => {
      if (!inFile.teams.has(teamId) && !existing.teamIds.has(teamId)) {
        issues.push({
          path: ['staff', s, 'teamIds', i],
          message: `团队 ${teamId} 不存在（文件和数据库中都没有）`,
        });
      }
    });
  });
  return issues;
}
