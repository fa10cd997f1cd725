import { describe, expect, it } from 'vitest';
import { checkDirectoryImport, toErrorIssues } from '../../../shared/schemas/directory-import.ts';
import {
  checkImportReferences,
  type ExistingDirectory,
  emptyDirectory,
  importLookups,
} from '../../../shared/schemas/directory-import-references.ts';

const json = {
  organisations: [
    {
      id: 'acme',
      name: '甲公司',
      contacts: [
        { userId: 'zhangsan', name: '张三' },
        { userId: 'lisi', name: '李四' },
      ],
    },
  ],
  teams: [
    {
      id: 'ekp',
      name: 'EKP 支持组',
      kind: 'support',
      groupConversationId: 'cid-ekp',
      leadUserId: 'lead-old',
    },
    { id: 'eis', name: 'EIS 支持组', kind: 'support', groupConversationId: 'cid-eis', leadUserId: 'eng-1' },
  ],
  staff: [
    { userId: 'eng-1', name: '王工', teamIds: ['ekp', 'kk'], roles: ['engineer'] },
    { userId: 'eng-2', name: '赵工', teamIds: ['branch-xa'], roles: ['engineer'] },
  ],
};

function check(existing: Partial<ExistingDirectory>) {
  const { draft, issues } = checkDirectoryImport(json);
  expect(issues).toEqual([]);
  return toErrorIssues(json, checkImportReferences(draft, { ...emptyDirectory, ...existing }));
}

describe('importLookups', () => {
  it('asks only for what the file does not settle itself', () => {
    const { draft } = checkDirectoryImport(json);
    expect(importLookups(draft)).toEqual({
      contactIds: ['zhangsan', 'lisi', 'eng-1', 'eng-2'],
      staffIds: ['zhangsan', 'lisi', 'lead-old'], // eng-1 leads too, but is in the file
      teamIds: ['kk', 'branch-xa'],
      conversationIds: ['cid-ekp', 'cid-eis'],
    });
  });
});

describe('checkImportReferences', () => {
  it('against an empty database: references must resolve inside the file', () => {
    expect(check({})).toEqual([
      {
        path: 'teams[0] (id=ekp).leadUserId',
        message: '负责人 lead-old 不是已知员工（文件和数据库中都没有）',
      },
      { path: 'staff[0] (userId=eng-1).teamIds[1]', message: '团队 kk 不存在（文件和数据库中都没有）' },
      {
        path: 'staff[1] (userId=eng-2).teamIds[0]',
        message: '团队 branch-xa 不存在（文件和数据库中都没有）',
      },
    ]);
  });

  it('implementation staff must be staff, in the file or the database', () => {
    const withImplementers = {
      ...json,
      organisations: [{ ...json.organisations[0]!, implementationStaffIds: ['eng-1', 'eng-gone'] }],
    };
    const { draft, issues } = checkDirectoryImport(withImplementers);
    expect(issues).toEqual([]);
    expect(importLookups(draft).staffIds).toContain('eng-gone');
    const refs = (existing: Partial<ExistingDirectory>) =>
      toErrorIssues(withImplementers, checkImportReferences(draft, { ...emptyDirectory, ...existing }));
    expect(refs({ staffIds: new Set(['lead-old']), teamIds: new Set(['kk', 'branch-xa']) })).toEqual([
      {
        path: 'organisations[0] (id=acme).implementationStaffIds[1]',
        message: '实施人员 eng-gone 不是已知员工（文件和数据库中都没有）',
      },
    ]);
    expect(
      refs({ staffIds: new Set(['lead-old', 'eng-gone']), teamIds: new Set(['kk', 'branch-xa']) }),
    ).toEqual([]);
  });

  it('resolves references through the database', () => {
    expect(check({ staffIds: new Set(['lead-old']), teamIds: new Set(['kk', 'branch-xa']) })).toEqual([]);
  });

  it('refuses people who are already the other kind, or another organisation’s contact', () => {
    const issues = check({
      staffIds: new Set(['lead-old', 'lisi']),
      teamIds: new Set(['kk', 'branch-xa']),
      contactOrgs: new Map([
        ['zhangsan', 'beta'],
        ['eng-2', 'acme'],
      ]),
    });
    expect(issues).toEqual([
      {
        path: 'organisations[0] (id=acme).contacts[0] (userId=zhangsan).userId',
        message: '该钉钉用户已是组织 beta 的联系人',
      },
      {
        path: 'organisations[0] (id=acme).contacts[1] (userId=lisi).userId',
        message: '该钉钉用户已登记为员工，不能同时作为客户联系人',
      },
      {
        path: 'staff[1] (userId=eng-2).userId',
        message: '该钉钉用户已是组织 acme 的客户联系人，不能同时登记为员工',
      },
    ]);
  });

  it('lets a contact stay in its own organisation', () => {
    expect(
      check({
        staffIds: new Set(['lead-old']),
        teamIds: new Set(['kk', 'branch-xa']),
        contactOrgs: new Map([['zhangsan', 'acme']]),
      }),
    ).toEqual([]);
  });

  it('refuses a group another stored team holds, but not one a team in the file gives up', () => {
    const base = { staffIds: new Set(['lead-old']), teamIds: new Set(['kk', 'branch-xa']) };
    expect(check({ ...base, groupOwners: new Map([['cid-ekp', 'sorting']]) })).toEqual([
      {
        path: 'teams[0] (id=ekp).groupConversationId',
        message: '群会话 cid-ekp 已属于数据库中的团队 sorting，一个群只能对应一个团队',
      },
    ]);
    // eis held cid-ekp before; this file moves eis to cid-eis and gives cid-ekp to ekp.
    expect(check({ ...base, groupOwners: new Map([['cid-ekp', 'eis']]) })).toEqual([]);
    expect(check({ ...base, groupOwners: new Map([['cid-ekp', 'ekp']]) })).toEqual([]);
  });
});
