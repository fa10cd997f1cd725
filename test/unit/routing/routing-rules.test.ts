import { describe, expect, it } from 'vitest';
import { DomainError, type ErrorIssue } from '../../../shared/errors.ts';
import {
  parseRoutingConfig,
  type RoutingInput,
  routeTicket,
  routingConfigSchema,
} from '../../../shared/routing/routing-rules.ts';

const config = parseRoutingConfig({
  rules: [
    { id: 'complaints', name: '投诉专人受理', match: { types: ['complaint'] }, teamId: 'complaint-desk' },
    {
      id: 'suggestions',
      name: '建议进入产品中心评审',
      match: { types: ['suggestion'] },
      teamId: 'product-centre',
    },
    {
      id: 'northwest-faults',
      name: '西北区域故障由西安分公司处理',
      match: { types: ['fault'], regions: ['西北'] },
      teamId: 'branch-xa',
    },
    { id: 'ekp-kms', name: 'EKP/KMS 支持组', match: { productLines: ['ekp', 'KMS'] }, teamId: 'support-ekp' },
    { id: 'eis-kk', name: 'EIS/KK 支持组', match: { productLines: ['EIS', 'KK'] }, teamId: 'support-eis' },
  ],
  fallbackTeamId: 'sorting',
});

describe('routeTicket: the first matching rule wins', () => {
  it.each<[what: string, ticket: RoutingInput, teamId: string, ruleId: string | null]>([
    [
      'a complaint, whatever else',
      { type: 'complaint', productLine: 'EKP', region: '西北' },
      'complaint-desk',
      'complaints',
    ],
    ['a suggestion', { type: 'suggestion', productLine: 'KK' }, 'product-centre', 'suggestions'],
    [
      'a fault in the north-west',
      { type: 'fault', productLine: 'EKP', region: '西北' },
      'branch-xa',
      'northwest-faults',
    ],
    [
      'a fault elsewhere goes by product line',
      { type: 'fault', productLine: 'EKP', region: '华南' },
      'support-ekp',
      'ekp-kms',
    ],
    [
      'product lines compare case-insensitively',
      { type: 'fault', productLine: 'ekp' },
      'support-ekp',
      'ekp-kms',
    ],
    [
      'no region never meets a region condition',
      { type: 'fault', productLine: 'KMS' },
      'support-ekp',
      'ekp-kms',
    ],
    [
      'a consultation on KK',
      { type: 'consultation', productLine: 'KK', region: '西北' },
      'support-eis',
      'eis-kk',
    ],
    ['no product line → fallback', { type: 'fault', region: '华南' }, 'sorting', null],
    ['an unknown product line → fallback', { type: 'training', productLine: 'OA' }, 'sorting', null],
  ])('%s', (_what, ticket, teamId, ruleId) => {
    expect(routeTicket(config, ticket)).toEqual({ teamId, ruleId });
  });

  it('stores product lines upper-case', () => {
    expect(config.rules[3]?.match.productLines).toEqual(['EKP', 'KMS']);
  });

  it('uses a last rule without conditions for everything left', () => {
    const withCatchAll = parseRoutingConfig({
      rules: [
        { id: 'faults', name: '故障', match: { types: ['fault'] }, teamId: 'support' },
        { id: 'rest', name: '其余', match: {}, teamId: 'sorting-desk' },
      ],
      fallbackTeamId: 'sorting',
    });
    expect(routeTicket(withCatchAll, { type: 'training' })).toEqual({
      teamId: 'sorting-desk',
      ruleId: 'rest',
    });
  });

  it('routes everything to the fallback with no rules', () => {
    const empty = parseRoutingConfig({ rules: [], fallbackTeamId: 'sorting' });
    expect(routeTicket(empty, { type: 'fault', productLine: 'EKP' })).toEqual({
      teamId: 'sorting',
      ruleId: null,
    });
  });
});

const rule = (id: string, match: object, teamId = 'support') => ({ id, name: `规则 ${id}`, match, teamId });

function issuesOf(input: unknown, context?: Parameters<typeof parseRoutingConfig>[1]): ErrorIssue[] {
  try {
    parseRoutingConfig(input, context);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('validation');
    expect((err as DomainError).message).toMatch(/^路由规则无效：/);
    return (err as DomainError).issues ?? [];
  }
  throw new Error('expected the configuration to be refused');
}

describe('routing configuration validation', () => {
  it.each<[what: string, input: unknown, path: string, message: string]>([
    [
      'duplicate rule ids',
      { rules: [rule('a', { types: ['fault'] }), rule('a', { types: ['complaint'] })], fallbackTeamId: 's' },
      'rules[1].id',
      '规则 id "a" 重复（第 1 条已使用）',
    ],
    [
      'a rule without conditions before others',
      { rules: [rule('all', {}), rule('faults', { types: ['fault'] })], fallbackTeamId: 's' },
      'rules[0].match',
      '只能放在最后',
    ],
    [
      'a rule shadowed by a broader earlier one',
      {
        rules: [
          rule('faults', { types: ['fault'] }),
          rule('ekp-faults', { types: ['fault'], productLines: ['EKP'] }),
        ],
        fallbackTeamId: 's',
      },
      'rules[1]',
      '规则 "ekp-faults" 永远不会生效：前面的规则 "faults" 已包含它的全部条件',
    ],
    [
      'an identical rule repeated',
      {
        rules: [rule('a', { productLines: ['EKP', 'KMS'] }), rule('b', { productLines: ['kms'] })],
        fallbackTeamId: 's',
      },
      'rules[1]',
      '永远不会生效',
    ],
    [
      'an empty condition list',
      { rules: [rule('a', { types: [] })], fallbackTeamId: 's' },
      'rules[0].match.types',
      '条件列表不能为空；不限时请省略该条件',
    ],
    [
      'a repeated value in a condition',
      { rules: [rule('a', { regions: ['西北', '西北'] })], fallbackTeamId: 's' },
      'rules[0].match.regions[1]',
      '重复的值：西北',
    ],
    [
      'an unknown ticket type',
      { rules: [rule('a', { types: ['bug'] })], fallbackTeamId: 's' },
      'rules[0].match.types[0]',
      '工单类型应为',
    ],
    [
      'an unknown condition',
      { rules: [rule('a', { levels: [1] })], fallbackTeamId: 's' },
      'rules[0].match',
      '未知的字段 levels',
    ],
    [
      'a bad team id',
      { rules: [rule('a', { types: ['fault'] }, 'a team')], fallbackTeamId: 's' },
      'rules[0].teamId',
      '团队 id',
    ],
    ['no fallback team', { rules: [] }, 'fallbackTeamId', '无效输入'],
    [
      'a rule without a name',
      { rules: [{ id: 'a', name: ' ', match: {}, teamId: 't' }], fallbackTeamId: 's' },
      'rules[0].name',
      '规则名称不能为空',
    ],
  ])('refuses %s', (_what, input, path, message) => {
    const issues = issuesOf(input);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it.each<[what: string, input: unknown]>([
    [
      'a narrower rule before a broader one',
      {
        rules: [
          rule('ekp-faults', { types: ['fault'], productLines: ['EKP'] }),
          rule('faults', { types: ['fault'] }),
        ],
        fallbackTeamId: 's',
      },
    ],
    [
      'overlapping but not covering rules',
      {
        rules: [
          rule('a', { types: ['fault'], regions: ['西北'] }),
          rule('b', { types: ['fault', 'complaint'] }),
        ],
        fallbackTeamId: 's',
      },
    ],
    [
      'a catch-all as the last rule',
      { rules: [rule('a', { types: ['fault'] }), rule('rest', {})], fallbackTeamId: 's' },
    ],
  ])('accepts %s', (_what, input) => {
    expect(routingConfigSchema.safeParse(input).success).toBe(true);
  });

  it('checks teams and product lines against the deployment', () => {
    const issues = issuesOf(
      { rules: [rule('a', { productLines: ['OA'] }, 'ghost-team')], fallbackTeamId: 'nobody' },
      { productLines: ['EKP', 'KMS'], teamIds: ['support'] },
    );
    expect(issues).toEqual([
      { path: 'rules[0].teamId', message: '团队 ghost-team 不存在' },
      { path: 'rules[0].match.productLines[0]', message: '产品线 OA 未配置（已配置：EKP、KMS）' },
      { path: 'fallbackTeamId', message: '兜底团队 nobody 不存在' },
    ]);
  });
});
