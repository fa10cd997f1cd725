import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/mongo.ts';
import {
  findContact,
  findStaff,
  findTeamsByGroup,
  getOrganisation,
  listTeams,
  whoIs,
} from '../../../server/directory/directory-service.ts';
import { groupTeamModel } from '../../../server/directory/group-team-model.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import { isDomainError } from '../../../shared/errors.ts';
import { checkEntitlement } from '../../../shared/schemas/entitlement.ts';
import { openTestDb } from '../../support/db.ts';

const demo: unknown = JSON.parse(
  readFileSync(new URL('../../../server/demo/demo-directory.json', import.meta.url), 'utf8'),
);

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
  const result = await importDirectory(db, demo);
  expect(result.ok).toBe(true);
  // A retired engineer and a contact who left: still on file, no longer served.
  const retired = await importDirectory(db, {
    organisations: [
      {
        id: 'org-gz-tech',
        name: '广州某科技股份有限公司',
        region: '华南',
        licences: [
          {
            id: 'lic-gz-eis',
            productLine: 'EIS',
            version: 'V3',
            servicePeriods: [{ kind: 'free', from: '2026-06-01', to: '2027-05-31' }],
          },
        ],
        contacts: [{ userId: 'cust-gz-left', name: '已离职', active: false }],
      },
    ],
    staff: [{ userId: 'eng-retired', name: '退休工程师', roles: ['engineer'], active: false }],
  });
  expect(result.ok && retired.ok).toBe(true);
});
afterAll(async () => {
  await db.dropDatabase();
  await db.close();
});

describe('whoIs', () => {
  it('a customer contact, with the organisation', async () => {
    const who = await whoIs(db, 'cust-xa-01');
    expect(who).toMatchObject({
      kind: 'contact',
      contact: {
        userId: 'cust-xa-01',
        orgId: 'org-xa-group',
        name: '张伟',
        title: '信息中心主任',
        active: true,
      },
      organisation: { id: 'org-xa-group', name: '西安某集团有限公司', branch: '西安分公司' },
    });
  });

  it('a staff member', async () => {
    expect(await whoIs(db, 'eng-wang')).toEqual({
      kind: 'staff',
      staff: expect.objectContaining({
        userId: 'eng-wang',
        name: '王强',
        teamIds: ['support-ekp'],
        roles: ['engineer'],
        active: true,
      }),
    });
  });

  it('a stranger', async () => {
    expect(await whoIs(db, 'nobody')).toEqual({ kind: 'unknown' });
  });

  it('people marked inactive are strangers to whoIs, but still found directly', async () => {
    expect(await whoIs(db, 'cust-gz-left')).toEqual({ kind: 'unknown' });
    expect(await whoIs(db, 'eng-retired')).toEqual({ kind: 'unknown' });
    expect(await findContact(db, 'cust-gz-left')).toMatchObject({ active: false, orgId: 'org-gz-tech' });
    expect(await findStaff(db, 'eng-retired')).toMatchObject({ active: false });
  });
});

describe('lookups', () => {
  it('findContact / findStaff return null for the other kind', async () => {
    expect(await findContact(db, 'eng-wang')).toBeNull();
    expect(await findStaff(db, 'cust-xa-01')).toBeNull();
    const contact = await findContact(db, 'cust-xa-03');
    expect(contact).toEqual({
      userId: 'cust-xa-03',
      orgId: 'org-xa-group',
      name: '王磊',
      title: '知识管理专员',
      phone: '029-88880103',
      active: true,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
  });

  it('getOrganisation, and a coded error for an unknown id', async () => {
    const org = await getOrganisation(db, 'org-lz-energy');
    expect(org.licences).toEqual([
      {
        id: 'lic-lz-ekp',
        productLine: 'EKP',
        version: 'V15',
        servicePeriods: [
          { kind: 'free', from: '2023-07-01', to: '2024-06-30' },
          { kind: 'paid', from: '2024-07-01', to: '2025-06-30' },
        ],
      },
    ]);
    const err = await getOrganisation(db, 'nope').catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('notFound');
  });

  it('listTeams: all five demo teams, by id', async () => {
    const teams = await listTeams(db);
    expect(teams.map((t) => [t.id, t.name, t.kind])).toEqual([
      ['branch-xa', '西安分公司', 'branch'],
      ['product-centre', '产品中心', 'productCentre'],
      ['sorting', '总部分拣中心', 'sorting'],
      ['support-eis', 'EIS/KK 支持组', 'support'],
      ['support-ekp', 'EKP 支持组', 'support'],
    ]);
    expect(teams.find((t) => t.id === 'support-ekp')).toMatchObject({
      productLines: ['EKP', 'KMS'],
      leadUserId: 'lead-li',
    });
  });

  it('findTeamsByGroup: the group chat’s team, none for another chat', async () => {
    expect((await findTeamsByGroup(db, 'cid-team-ekp')).map((t) => t.name)).toEqual(['EKP 支持组']);
    expect((await findTeamsByGroup(db, 'cid-sorting')).map((t) => t.kind)).toEqual(['sorting']);
    expect(await findTeamsByGroup(db, 'cid-customer-chat')).toEqual([]);
  });

  it('findTeamsByGroup ignores a stale claim whose team no longer names the group', async () => {
    await groupTeamModel(db).create({ _id: 'cid-stale', teamId: 'support-ekp' });
    expect(await findTeamsByGroup(db, 'cid-stale')).toEqual([]);
  });
});

describe('entitlement of the demo customers (2026-11-25, Asia/Shanghai)', () => {
  const today = '2026-11-25';
  it.each([
    ['org-xa-group', 'EKP', { entitled: true, kind: 'paid' }],
    ['org-xa-group', 'KMS', { entitled: true, kind: 'paid' }],
    ['org-xa-group', 'EIS', { entitled: false, reason: 'noLicence' }],
    ['org-gz-tech', 'EIS', { entitled: true, kind: 'free' }],
    ['org-lz-energy', 'EKP', { entitled: false, reason: 'outsidePeriod', lastEndedOn: '2025-06-30' }],
  ])('%s %s', async (orgId, productLine, expected) => {
    const org = await getOrganisation(db, orgId);
    expect(checkEntitlement(org.licences, productLine, today)).toMatchObject(expected);
  });
});
