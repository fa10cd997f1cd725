import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import { contactModel } from '../../../server/directory/contact-model.ts';
import { findTeamsByGroup } from '../../../server/directory/directory-service.ts';
import { groupTeamModel } from '../../../server/directory/group-team-model.ts';
import { type ImportResult, importDirectory } from '../../../server/directory/import-directory.ts';
import { organisationModel } from '../../../server/directory/organisation-model.ts';
import { staffModel } from '../../../server/directory/staff-model.ts';
import { teamModel } from '../../../server/directory/team-model.ts';
import { openTestDb } from '../../support/db.ts';

const demoText = readFileSync(new URL('../../../server/demo/demo-directory.json', import.meta.url), 'utf8');
/** A fresh copy each time, so a test can change it. */
const demo = () => JSON.parse(demoText) as DemoFile;
interface DemoFile {
  organisations: { id: string; contacts: Record<string, unknown>[]; [k: string]: unknown }[];
  teams: Record<string, unknown>[];
  staff: Record<string, unknown>[];
}

const opened: Db[] = [];
async function freshDb(): Promise<Db> {
  const db = await openTestDb();
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) {
    await db.dropDatabase();
    await db.close();
  }
});

const counts = (created: number, updated: number, unchanged: number) => ({ created, updated, unchanged });

function expectOk(result: ImportResult) {
  if (!result.ok)
    throw new Error(`import refused:\n${result.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return result;
}
function expectIssues(result: ImportResult) {
  if (result.ok) throw new Error('import accepted a bad file');
  return result.issues.map((i) => `${i.path}: ${i.message}`);
}

/** Everything the directory stores, read raw, to prove a refused import wrote nothing. */
async function snapshot(db: Db) {
  const all = (name: string) => db.db!.collection(name).find().sort({ _id: 1 }).toArray();
  return {
    organisations: await all('organisations'),
    contacts: await all('contacts'),
    teams: await all('teams'),
    staff: await all('staff'),
    groupTeams: await all('groupTeams'),
  };
}

describe('importing the demo directory', () => {
  it('creates every record, then a second import changes nothing', async () => {
    const db = await freshDb();
    const first = expectOk(await importDirectory(db, demo()));
    expect(first.counts).toEqual({
      organisations: counts(3, 0, 0),
      contacts: counts(7, 0, 0),
      teams: counts(5, 0, 0),
      staff: counts(11, 0, 0),
    });
    const stored = await snapshot(db);
    expect(stored.groupTeams).toEqual([
      { _id: 'cid-branch-xa', teamId: 'branch-xa' },
      { _id: 'cid-product', teamId: 'product-centre' },
      { _id: 'cid-sorting', teamId: 'sorting' },
      { _id: 'cid-team-eis', teamId: 'support-eis' },
      { _id: 'cid-team-ekp', teamId: 'support-ekp' },
    ]);
    const xa = await organisationModel(db).findById('org-xa-group').lean();
    expect(xa).toMatchObject({
      name: '西安某集团有限公司',
      region: '西北',
      branch: '西安分公司',
      contractTier: 'premium',
      licences: [
        { id: 'lic-xa-ekp', productLine: 'EKP', version: 'V16' },
        {
          id: 'lic-xa-kms',
          productLine: 'KMS',
          servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2027-12-31' }],
        },
      ],
    });
    expect(xa?.createdAt).toBeInstanceOf(Date);
    expect(await contactModel(db).findById('cust-gz-02').lean()).toMatchObject({
      orgId: 'org-gz-tech',
      active: true,
    });

    const second = expectOk(await importDirectory(db, demo()));
    expect(second.counts).toEqual({
      organisations: counts(0, 0, 3),
      contacts: counts(0, 0, 7),
      teams: counts(0, 0, 5),
      staff: counts(0, 0, 11),
    });
    expect(await snapshot(db)).toEqual(stored); // not even updatedAt moved
  });

  it('a dry run counts the same and writes nothing', async () => {
    const db = await freshDb();
    const result = expectOk(await importDirectory(db, demo(), { dryRun: true }));
    expect(result).toMatchObject({
      dryRun: true,
      counts: { organisations: counts(3, 0, 0), staff: counts(11, 0, 0) },
    });
    expect(await snapshot(db)).toEqual({
      organisations: [],
      contacts: [],
      teams: [],
      staff: [],
      groupTeams: [],
    });
  });

  it('updates only what changed, and removes fields the file no longer has', async () => {
    const db = await freshDb();
    expectOk(await importDirectory(db, demo()));
    const before = await contactModel(db).findById('cust-xa-02').lean();

    const file = demo();
    const xa = file.organisations[0]!;
    const { title: _dropped, ...rest } = xa.contacts[1]!;
    xa.contacts[1] = { ...rest, phone: '13800009999' };
    xa.contacts.push({ userId: 'cust-xa-04', name: '新联系人' });
    const result = expectOk(await importDirectory(db, file));
    expect(result.counts).toEqual({
      organisations: counts(0, 0, 3),
      contacts: counts(1, 1, 6),
      teams: counts(0, 0, 5),
      staff: counts(0, 0, 11),
    });
    const after = await contactModel(db).findById('cust-xa-02').lean();
    expect(after).toMatchObject({ phone: '13800009999', name: '李娜' });
    expect(after).not.toHaveProperty('title');
    expect(after!.createdAt).toEqual(before!.createdAt);
    expect(after!.updatedAt.getTime()).toBeGreaterThanOrEqual(before!.updatedAt.getTime());
  });

  it('finishes a half-done import when the same file is imported again', async () => {
    // As if a crash happened after the teams were written: the rest follows, nothing twice.
    const db = await freshDb();
    expectOk(await importDirectory(db, { teams: demo().teams.map(({ leadUserId: _, ...t }) => t) }));
    const result = expectOk(await importDirectory(db, demo()));
    expect(result.counts).toEqual({
      organisations: counts(3, 0, 0),
      contacts: counts(7, 0, 0),
      teams: counts(0, 5, 0), // the leads were missing
      staff: counts(11, 0, 0),
    });
    expect(expectOk(await importDirectory(db, demo())).counts.teams).toEqual(counts(0, 0, 5));
  });
});

describe('a bad file is refused whole', () => {
  const badFile = () => {
    const file = demo();
    const xa = file.organisations[0]!;
    (xa.licences as Record<string, unknown>[])[0] = {
      id: 'lic-xa-ekp',
      productLine: 'EKP',
      servicePeriods: [{ kind: 'paid', from: '2027-01-01', to: '2026-12-31' }],
    };
    xa.contacts.push({ userId: 'cust-gz-01', name: '重复的人' });
    file.teams.push({
      id: 'support-kk',
      name: 'KK 组',
      kind: 'support',
      groupConversationId: 'cid-team-eis',
    });
    file.staff.push({ userId: 'eng-new', name: '新人', teamIds: ['no-such-team'], roles: ['engineer'] });
    file.staff.push({ userId: 'cust-lz-01', name: '刘洋', roles: ['engineer'], email: 'not-an-email' });
    return file;
  };
  const expected = [
    'organisations[0] (id=org-xa-group).licences[0] (id=lic-xa-ekp).servicePeriods[0].to: 服务期结束日期早于开始日期',
    'organisations[1] (id=org-gz-tech).contacts[0] (userId=cust-gz-01).userId: 联系人 userId cust-gz-01 在文件中重复（首次出现于 organisations[0].contacts[3]）',
    'teams[5] (id=support-kk).groupConversationId: 群会话 cid-team-eis 已属于 teams[2] (id=support-eis)，一个群只能对应一个团队',
    'staff[11] (userId=eng-new).teamIds[0]: 团队 no-such-team 不存在（文件和数据库中都没有）',
    'staff[12] (userId=cust-lz-01).email: 邮箱格式不对',
    'staff[12] (userId=cust-lz-01).userId: 该钉钉用户同时是文件中 organisations[2].contacts[0] 的客户联系人；一个用户只能是客户联系人或员工之一',
  ];

  it('into an empty database: every problem listed, nothing written', async () => {
    const db = await freshDb();
    expect(expectIssues(await importDirectory(db, badFile()))).toEqual(expected);
    expect(await snapshot(db)).toEqual({
      organisations: [],
      contacts: [],
      teams: [],
      staff: [],
      groupTeams: [],
    });
  });

  it('over an existing directory: nothing changes, not even the good entries', async () => {
    const db = await freshDb();
    expectOk(await importDirectory(db, demo()));
    const before = await snapshot(db);
    const file = badFile();
    file.organisations[1]!.name = '广州某科技（已改名）'; // a valid change that must not land either
    expect(expectIssues(await importDirectory(db, file))).toEqual(expected);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('conflicts with what the database holds', () => {
  async function withDemo() {
    const db = await freshDb();
    expectOk(await importDirectory(db, demo()));
    return db;
  }

  it('a contact already registered to another organisation', async () => {
    const db = await withDemo();
    const result = await importDirectory(db, {
      organisations: [{ id: 'acme', name: '新客户', contacts: [{ userId: 'cust-xa-01', name: '张伟' }] }],
    });
    expect(expectIssues(result)).toEqual([
      'organisations[0] (id=acme).contacts[0] (userId=cust-xa-01).userId: 该钉钉用户已是组织 org-xa-group 的联系人',
    ]);
    expect(await organisationModel(db).findById('acme').lean()).toBeNull();
  });

  it('people who are already the other kind', async () => {
    const db = await withDemo();
    const result = await importDirectory(db, {
      organisations: [{ id: 'acme', name: '新客户', contacts: [{ userId: 'eng-wang', name: '王强' }] }],
      staff: [{ userId: 'cust-gz-02', name: '黄勇', roles: ['engineer'], teamIds: ['support-eis'] }],
    });
    expect(expectIssues(result)).toEqual([
      'organisations[0] (id=acme).contacts[0] (userId=eng-wang).userId: 该钉钉用户已登记为员工，不能同时作为客户联系人',
      'staff[0] (userId=cust-gz-02).userId: 该钉钉用户已是组织 org-gz-tech 的客户联系人，不能同时登记为员工',
    ]);
  });

  it('a group another stored team holds', async () => {
    const db = await withDemo();
    const result = await importDirectory(db, {
      teams: [{ id: 'support-kk', name: 'KK 组', kind: 'support', groupConversationId: 'cid-team-eis' }],
    });
    expect(expectIssues(result)).toEqual([
      'teams[0] (id=support-kk).groupConversationId: 群会话 cid-team-eis 已属于数据库中的团队 support-eis，一个群只能对应一个团队',
    ]);
  });

  it('references resolve against stored teams and staff', async () => {
    const db = await withDemo();
    const result = await importDirectory(db, {
      teams: [
        { id: 'support-kk', name: 'KK 组', kind: 'support', productLines: ['KK'], leadUserId: 'lead-chen' },
      ],
      staff: [
        { userId: 'eng-new', name: '新人', teamIds: ['support-eis', 'support-kk'], roles: ['engineer'] },
      ],
    });
    expect(expectOk(result).counts).toMatchObject({ teams: counts(1, 0, 0), staff: counts(1, 0, 0) });
  });

  it('re-listing an organisation’s own contacts is no conflict (here: one deactivated)', async () => {
    const db = await withDemo();
    const file = demo();
    file.organisations[0]!.contacts[0]!.active = false;
    const result = expectOk(await importDirectory(db, { organisations: [file.organisations[0]] }));
    expect(result.counts.contacts).toEqual(counts(0, 1, 2));
  });

  it('a team moves to another group; the old group is then free for another team', async () => {
    const db = await withDemo();
    const file = demo();
    file.teams[2]!.groupConversationId = 'cid-team-eis-new';
    expectOk(await importDirectory(db, { teams: [file.teams[2]] }));
    expect(await findTeamsByGroup(db, 'cid-team-eis')).toEqual([]);
    expect((await findTeamsByGroup(db, 'cid-team-eis-new')).map((t) => t.id)).toEqual(['support-eis']);
    expect(await groupTeamModel(db).findById('cid-team-eis').lean()).toBeNull();

    expectOk(
      await importDirectory(db, {
        teams: [{ id: 'support-kk', name: 'KK 组', kind: 'support', groupConversationId: 'cid-team-eis' }],
      }),
    );
    expect((await findTeamsByGroup(db, 'cid-team-eis')).map((t) => t.id)).toEqual(['support-kk']);
  });

  it('two teams swap groups in one file', async () => {
    const db = await withDemo();
    const file = demo();
    file.teams[1]!.groupConversationId = 'cid-team-eis';
    file.teams[2]!.groupConversationId = 'cid-team-ekp';
    expectOk(await importDirectory(db, { teams: [file.teams[1], file.teams[2]] }));
    expect((await findTeamsByGroup(db, 'cid-team-ekp')).map((t) => t.id)).toEqual(['support-eis']);
    expect((await findTeamsByGroup(db, 'cid-team-eis')).map((t) => t.id)).toEqual(['support-ekp']);
  });
});

describe('indexes', () => {
  it('the secondary indexes are created on this database too', async () => {
    const db = await freshDb();
    expectOk(await importDirectory(db, demo()));
    const models = [organisationModel(db), contactModel(db), teamModel(db), staffModel(db)];
    await Promise.all(models.map((m) => m.init()));
    const names = async (m: (typeof models)[number]) => (await m.listIndexes()).map((i) => i.name as string);
    expect(await names(contactModel(db))).toContain('orgId_1');
    expect(await names(staffModel(db))).toEqual(expect.arrayContaining(['teamIds_1', 'roles_1']));
    expect(await names(teamModel(db))).toEqual(expect.arrayContaining(['kind_1', 'productLines_1']));
  });
});
