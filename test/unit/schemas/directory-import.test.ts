import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorIssue } from '../../../shared/errors.ts';
import { directoryImportSchema, parseDirectoryImport } from '../../../shared/schemas/directory-import.ts';

const demo: unknown = JSON.parse(
  readFileSync(new URL('../../../server/demo/demo-directory.json', import.meta.url), 'utf8'),
);

/** A small valid file; each case changes one thing. */
function file() {
  return {
    organisations: [
      {
        id: 'acme',
        name: '某集团',
        licences: [
          {
            id: 'L1',
            productLine: 'EKP',
            servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2026-12-31' }],
          },
        ],
        contacts: [{ userId: 'zhangsan', name: '张三' }],
      },
    ],
    teams: [
      { id: 'ekp', name: 'EKP 支持组', kind: 'support', productLines: ['EKP'], groupConversationId: 'cid-1' },
    ],
    staff: [{ userId: 'eng-1', name: '王工', teamIds: ['ekp'], roles: ['engineer'] }],
  };
}
type File = ReturnType<typeof file>;

function issuesOf(json: unknown, opts?: { productLines?: string[] }): ErrorIssue[] {
  const result = parseDirectoryImport(json, opts);
  return result.ok ? [] : result.issues;
}

describe('parseDirectoryImport accepts', () => {
  it('the demo file, with defaults filled in', () => {
    const result = parseDirectoryImport(demo);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { organisations, teams, staff } = result.value;
    expect(organisations.map((o) => o.id)).toEqual(['org-xa-group', 'org-gz-tech', 'org-lz-energy']);
    expect(organisations.flatMap((o) => o.contacts)).toHaveLength(7);
    expect(teams.map((t) => t.groupConversationId)).toEqual([
      'cid-sorting',
      'cid-team-ekp',
      'cid-team-eis',
      'cid-product',
      'cid-branch-xa',
    ]);
    expect(staff.length).toBeGreaterThanOrEqual(8);
    const gz = organisations[1]!;
    expect(gz.branch).toBe('西安分公司'); // default on-call branch of the agreement
    expect(gz.contractTier).toBe('standard');
    expect(gz.contacts[0]!.active).toBe(true);
  });

  it('the same through the whole-file schema', () => {
    expect(directoryImportSchema.safeParse(demo).success).toBe(true);
  });

  it.each<[string, (f: File) => unknown]>([
    ['only teams', (f) => ({ teams: f.teams })],
    ['only staff (teams already in the database)', (f) => ({ staff: f.staff })],
    ['a comment', (f) => ({ ...f, comment: '2026 年第一批' })],
    [
      'an organisation without licences or contacts',
      () => ({ organisations: [{ id: 'new', name: '新客户' }] }),
    ],
    [
      'a licence without service periods',
      (f) => ({
        ...f,
        organisations: [{ ...f.organisations[0], licences: [{ id: 'L', productLine: 'KK' }] }],
      }),
    ],
    [
      'a one-day service period',
      (f) => withPeriod(f, { kind: 'free', from: '2026-03-01', to: '2026-03-01' }),
    ],
    ['a leap day', (f) => withPeriod(f, { kind: 'free', from: '2028-02-29', to: '2028-03-01' })],
    ['a phone with area code', (f) => withContact(f, { phone: '029-88886666' })],
    ['an inactive contact', (f) => withContact(f, { active: false })],
  ])('%s', (_what, make) => {
    expect(issuesOf(make(file()))).toEqual([]);
  });

  it('trims text, drops empty optional text and repeated list items', () => {
    const f = file();
    const result = parseDirectoryImport({
      ...f,
      organisations: [{ ...f.organisations[0], name: '  某集团 ', region: '' }],
      staff: [{ ...f.staff[0], roles: ['engineer', 'engineer', 'teamLead'], teamIds: ['ekp', 'ekp'] }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.organisations[0]).toMatchObject({ name: '某集团', region: undefined });
    expect(result.value.staff[0]).toMatchObject({ roles: ['engineer', 'teamLead'], teamIds: ['ekp'] });
  });

  it('a configured product line beyond the four defaults', () => {
    const f = file();
    f.organisations[0]!.licences[0]!.productLine = 'OA2';
    expect(issuesOf(f, { productLines: ['EKP', 'OA2'] })).toEqual([]);
  });
});

function withPeriod(f: File, period: Record<string, unknown>) {
  const org = f.organisations[0]!;
  return { ...f, organisations: [{ ...org, licences: [{ ...org.licences[0]!, servicePeriods: [period] }] }] };
}
function withContact(f: File, fields: Record<string, unknown>) {
  const org = f.organisations[0]!;
  return { ...f, organisations: [{ ...org, contacts: [{ ...org.contacts[0]!, ...fields }] }] };
}
function withTeam(f: File, fields: Record<string, unknown>) {
  return { ...f, teams: [{ ...f.teams[0]!, ...fields }] };
}
function withStaff(f: File, fields: Record<string, unknown>) {
  return { ...f, staff: [{ ...f.staff[0]!, ...fields }] };
}

describe('parseDirectoryImport refuses, naming the entry', () => {
  const org = 'organisations[0] (id=acme)';
  const period = `${org}.licences[0] (id=L1).servicePeriods[0]`;
  it.each<[string, unknown, ErrorIssue[]]>([
    [
      'a period that ends before it starts',
      withPeriod(file(), { kind: 'paid', from: '2026-12-31', to: '2026-01-01' }),
      [{ path: `${period}.to`, message: '服务期结束日期早于开始日期' }],
    ],
    [
      'a date that does not exist',
      withPeriod(file(), { kind: 'paid', from: '2026-02-29', to: '2026-12-31' }),
      [{ path: `${period}.from`, message: '2026-02-29 不是真实存在的日期' }],
    ],
    [
      'a date in another format',
      withPeriod(file(), { kind: 'paid', from: '2026/01/01', to: '2026-12-31' }),
      [{ path: `${period}.from`, message: '日期 "2026/01/01" 格式不对，应为 YYYY-MM-DD' }],
    ],
    [
      'an unknown period kind, and the order still checked',
      withPeriod(file(), { kind: 'trial', from: '2026-02-01', to: '2026-01-01' }),
      [
        { path: `${period}.kind`, message: '服务期类型应为 free（免费服务期）或 paid（付费服务期）' },
        { path: `${period}.to`, message: '服务期结束日期早于开始日期' },
      ],
    ],
    [
      'a product line that is not configured',
      {
        ...file(),
        organisations: [{ ...file().organisations[0], licences: [{ id: 'L1', productLine: 'ERP' }] }],
      },
      [
        {
          path: `${org}.licences[0] (id=L1).productLine`,
          message: '产品线 ERP 未配置（已配置：EKP、KMS、EIS、KK）',
        },
      ],
    ],
    [
      'a product line in lower case',
      withTeam(file(), { productLines: ['ekp'] }),
      [
        {
          path: 'teams[0] (id=ekp).productLines[0]',
          message: '产品线 "ekp" 应为 2–10 位大写字母或数字，如 EKP',
        },
      ],
    ],
    [
      'a missing name',
      withContact(file(), { name: undefined }),
      [{ path: `${org}.contacts[0] (userId=zhangsan).name`, message: '必填' }],
    ],
    [
      'a bad email',
      withContact(file(), { email: 'zhangsan@' }),
      [{ path: `${org}.contacts[0] (userId=zhangsan).email`, message: '邮箱格式不对' }],
    ],
    [
      'a user id with spaces',
      withContact(file(), { userId: 'zhang san' }),
      [
        {
          path: `${org}.contacts[0] (userId=zhang san).userId`,
          message: '钉钉 userId 只能包含字母、数字和 _ . : @ -，以字母或数字开头，最长 64 个字符',
        },
      ],
    ],
    [
      'a misspelt key',
      { ...file(), organisations: [{ ...file().organisations[0], licenses: [] }] },
      [{ path: org, message: '出现未知的键(key): "licenses"' }],
    ],
    [
      'an unknown team kind',
      withTeam(file(), { kind: 'sales' }),
      [
        {
          path: 'teams[0] (id=ekp).kind',
          message:
            '团队类型应为 sorting（分拣中心）、support（支持组）、productCentre（产品中心）或 branch（分公司）',
        },
      ],
    ],
    [
      'staff without a role',
      withStaff(file(), { roles: [] }),
      [{ path: 'staff[0] (userId=eng-1).roles', message: '至少需要一个角色' }],
    ],
    [
      'an unknown role',
      withStaff(file(), { roles: ['boss'] }),
      [
        {
          path: 'staff[0] (userId=eng-1).roles[0]',
          message: '角色应为 engineer、dispatcher、teamLead、productCentre 或 admin 之一',
        },
      ],
    ],
    [
      'an empty file',
      { organisations: [], teams: [] },
      [{ path: '(文件)', message: '文件中没有任何组织（organisations）、团队（teams）或员工（staff）' }],
    ],
    ['a list instead of an object', [], [{ path: '(文件)', message: '应为对象 {...}，实际是列表 [...]' }]],
    [
      'a section that is not a list',
      { teams: {} },
      [{ path: 'teams', message: '应为列表 [...]，实际是对象 {...}' }],
    ],
    [
      'a number where text belongs',
      withContact(file(), { phone: 13800000000 }),
      [{ path: `${org}.contacts[0] (userId=zhangsan).phone`, message: '应为文本，实际是数字' }],
    ],
  ])('%s', (_what, json, expected) => {
    expect(issuesOf(json)).toEqual(expected);
  });
});

describe('parseDirectoryImport checks the whole file', () => {
  it('lists every problem, in file order, duplicates found even in broken entries', () => {
    const f = file();
    const json = {
      organisations: [
        f.organisations[0],
        // Same id again, with a broken name: both problems are reported.
        { id: 'acme', name: '', contacts: [{ userId: 'zhangsan', name: '张三' }] },
        {
          id: 'beta',
          name: '乙公司',
          licences: [
            { id: 'L1', productLine: 'KMS' },
            { id: 'L1', productLine: 'EIS' },
          ],
        },
      ],
      teams: [
        f.teams[0],
        { id: 'eis', name: 'EIS 支持组', kind: 'support', groupConversationId: 'cid-1' },
        { id: 'ekp', name: '重复', kind: 'support' },
      ],
      staff: [
        f.staff[0],
        { userId: 'zhangsan', name: '张三', roles: ['engineer'] },
        { userId: 'eng-1', name: '王工', roles: ['engineer'] },
      ],
    };
    expect(issuesOf(json)).toEqual([
      { path: 'organisations[1] (id=acme).name', message: '不能为空' },
      {
        path: 'organisations[1] (id=acme).id',
        message: '组织 id acme 在文件中重复（首次出现于 organisations[0]）',
      },
      {
        path: 'organisations[1] (id=acme).contacts[0] (userId=zhangsan).userId',
        message: '联系人 userId zhangsan 在文件中重复（首次出现于 organisations[0].contacts[0]）',
      },
      {
        path: 'organisations[2] (id=beta).licences[1] (id=L1).id',
        message: '许可 id L1 在文件中重复（首次出现于 organisations[2].licences[0]）',
      },
      {
        path: 'teams[1] (id=eis).groupConversationId',
        message: '群会话 cid-1 已属于 teams[0] (id=ekp)，一个群只能对应一个团队',
      },
      { path: 'teams[2] (id=ekp).id', message: '团队 id ekp 在文件中重复（首次出现于 teams[0]）' },
      {
        path: 'staff[1] (userId=zhangsan).userId',
        message:
          '该钉钉用户同时是文件中 organisations[0].contacts[0] 的客户联系人；一个用户只能是客户联系人或员工之一',
      },
      {
        path: 'staff[2] (userId=eng-1).userId',
        message: '员工 userId eng-1 在文件中重复（首次出现于 staff[0]）',
      },
    ]);
  });

  it('sorts issue positions as numbers (entry 10 after entry 2)', () => {
    const teams = Array.from({ length: 11 }, (_, i) => ({ id: `t${i}`, name: `T${i}`, kind: 'support' }));
    teams[10] = { ...teams[10]!, kind: 'x' };
    teams[2] = { ...teams[2]!, name: '' };
    expect(issuesOf({ teams }).map((i) => i.path)).toEqual([
      'teams[2] (id=t2).name',
      'teams[10] (id=t10).kind',
    ]);
  });
});

describe('non-object entries (found by the robustness fuzz test)', () => {
  it.each([[null], ['2026-01-01'], [42], [[]]])(
    'a service period of %j is an issue, not a crash',
    (period) => {
      const result = parseDirectoryImport({
        organisations: [
          { id: 'o1', name: '单位', licences: [{ id: 'l1', productLine: 'EKP', servicePeriods: [period] }] },
        ],
      });
      expect(result.ok).toBe(false);
    },
  );
});
