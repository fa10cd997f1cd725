import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors.ts';
import { defaultSlaPolicy, parseSlaPolicies, parseSlaPolicy } from '../../../shared/sla/policy.ts';

function rejection(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('SLA policy defaults', () => {
  it('a policy with only id and name is the agreement’s default', () => {
    expect(parseSlaPolicy({ id: 'default', name: '标准服务协议' })).toEqual(defaultSlaPolicy);
  });

  it('defaults: first response 60/480/720/960/1440 working minutes, at risk 75 %, two paused statuses', () => {
    expect(Object.values(defaultSlaPolicy.levels).map((l) => l.firstResponseMinutes)).toEqual([
      60, 480, 720, 960, 1440,
    ]);
    expect(defaultSlaPolicy.atRiskRatio).toBe(0.75);
    expect(defaultSlaPolicy.pausedStatuses).toEqual(['waitingCustomer', 'solutionProposed']);
    expect(defaultSlaPolicy.onSiteCalendarHours).toBe(48);
    expect(defaultSlaPolicy.tier).toBeUndefined();
  });

  it('keeps the defaults of the levels a policy leaves out, and the given targets', () => {
    const policy = parseSlaPolicy({
      id: 'gold',
      name: ' 金牌服务 ',
      tier: 'gold',
      levels: { 1: { firstResponseMinutes: 30, nextUpdateMinutes: 60, resolutionMinutes: 480 } },
      atRiskRatio: 0.5,
      pausedStatuses: ['waitingCustomer', 'waitingCustomer'],
    });
    expect(policy.name).toBe('金牌服务');
    expect(policy.levels[1]).toEqual({
      firstResponseMinutes: 30,
      nextUpdateMinutes: 60,
      resolutionMinutes: 480,
    });
    expect(policy.levels[2]).toEqual({ firstResponseMinutes: 480 });
    expect(policy.pausedStatuses).toEqual(['waitingCustomer']);
    expect(policy.atRiskRatio).toBe(0.5);
  });

  it('accepts an empty pausedStatuses list (nothing pauses)', () => {
    expect(parseSlaPolicy({ id: 'p', name: '不暂停', pausedStatuses: [] }).pausedStatuses).toEqual([]);
  });
});

describe('invalid policies are rejected with zh-CN messages naming the field', () => {
  const base = { id: 'p', name: '策略' };
  type Case = [what: string, input: unknown, path: string, message: string];
  it.each<Case>([
    [
      'first response 0',
      { ...base, levels: { 1: { firstResponseMinutes: 0 } } },
      'levels.1.firstResponseMinutes',
      '一级首次响应时限（levels.1.firstResponseMinutes）应为 1–525600 之间的整数，单位为工作分钟',
    ],
    [
      'first response fractional',
      { ...base, levels: { 4: { firstResponseMinutes: 30.5 } } },
      'levels.4.firstResponseMinutes',
      '四级首次响应时限（levels.4.firstResponseMinutes）',
    ],
    [
      'first response as text',
      { ...base, levels: { 2: { firstResponseMinutes: '480' } } },
      'levels.2.firstResponseMinutes',
      '二级首次响应时限',
    ],
    [
      'next update negative',
      { ...base, levels: { 3: { nextUpdateMinutes: -5 } } },
      'levels.3.nextUpdateMinutes',
      '三级进展更新间隔（levels.3.nextUpdateMinutes）',
    ],
    [
      'resolution too long',
      { ...base, levels: { 5: { resolutionMinutes: 10_000_000 } } },
      'levels.5.resolutionMinutes',
      '五级解决时限（levels.5.resolutionMinutes）',
    ],
    [
      'resolution shorter than first response',
      { ...base, levels: { 2: { resolutionMinutes: 240 } } },
      'levels.2.resolutionMinutes',
      '二级解决时限（levels.2.resolutionMinutes）不能短于首次响应时限（480 工作分钟）',
    ],
    [
      'at-risk ratio 1',
      { ...base, atRiskRatio: 1 },
      'atRiskRatio',
      '预警比例（atRiskRatio）应为大于 0、小于 1 的小数',
    ],
    ['at-risk ratio 0', { ...base, atRiskRatio: 0 }, 'atRiskRatio', '预警比例（atRiskRatio）'],
    ['at-risk ratio as percent', { ...base, atRiskRatio: 75 }, 'atRiskRatio', '预警比例（atRiskRatio）'],
    [
      'closed cannot pause',
      { ...base, pausedStatuses: ['waitingCustomer', 'closed'] },
      'pausedStatuses[1]',
      '暂停计时状态（pausedStatuses）只能是未结束的工单状态',
    ],
    [
      'unknown status',
      { ...base, pausedStatuses: ['waiting'] },
      'pausedStatuses[0]',
      '暂停计时状态（pausedStatuses）',
    ],
    [
      'paused statuses not a list',
      { ...base, pausedStatuses: 'waitingCustomer' },
      'pausedStatuses',
      '暂停计时状态（pausedStatuses）',
    ],
    ['missing id', { name: '策略' }, 'id', '策略编号（id）必填'],
    ['bad id', { ...base, id: 'gold policy' }, 'id', '策略编号（id）只能包含'],
    ['empty name', { ...base, name: '  ' }, 'name', '策略名称（name）不能为空'],
    ['empty tier', { ...base, tier: '' }, 'tier', '合同等级（tier）不能为空'],
    [
      'on-site hours 0',
      { ...base, onSiteCalendarHours: 0 },
      'onSiteCalendarHours',
      '一级现场到达时限（onSiteCalendarHours）',
    ],
    ['level 6', { ...base, levels: { 6: { firstResponseMinutes: 60 } } }, 'levels', '未知的字段 6'],
    [
      'typo in a level',
      { ...base, levels: { 1: { firstResponse: 60 } } },
      'levels.1',
      '未知的字段 firstResponse',
    ],
    ['level not an object', { ...base, levels: { 1: 60 } }, 'levels.1', '一级的时限（levels.1）应为对象'],
    ['not an object', 'gold', '(root)', 'SLA 策略应为对象'],
  ])('%s', (_what, input, path, message) => {
    const err = rejection(() => parseSlaPolicy(input));
    expect(err.code).toBe('validation');
    expect(err.message.startsWith('SLA 策略不正确：')).toBe(true);
    const issue = err.issues?.find((i) => i.path === path);
    expect(issue, JSON.stringify(err.issues)).toBeDefined();
    expect(issue?.message).toContain(message);
    expect(err.message).toContain(message);
  });

  it('lists every problem, not only the first', () => {
    const err = rejection(() => parseSlaPolicy({ id: 'p', name: '', atRiskRatio: 2 }));
    expect(err.issues?.map((i) => i.path)).toEqual(['name', 'atRiskRatio']);
  });
});

describe('policy sets', () => {
  const std = { id: 'default', name: '标准' };
  type Case = [what: string, input: unknown, path: string, message: string];
  it.each<Case>([
    ['no default', [{ id: 'gold', name: '金牌', tier: 'gold' }], '(root)', '缺少默认策略'],
    [
      'two defaults',
      [std, { id: 'other', name: '另一个' }],
      '[1].tier',
      '只能有一个默认策略（不填 tier）：default 和 other',
    ],
    [
      'duplicate tier',
      [std, { id: 'g1', name: '金1', tier: 'gold' }, { id: 'g2', name: '金2', tier: 'gold' }],
      '[2].tier',
      '合同等级（tier）gold 已由策略 g1 使用',
    ],
    [
      'duplicate id',
      [std, { id: 'default', name: '金', tier: 'gold' }],
      '[1].id',
      '策略编号（id）default 重复',
    ],
    ['empty list', [], '(root)', '至少需要一个 SLA 策略'],
    [
      'a broken policy inside',
      [std, { id: 'g', name: '金', tier: 'gold', atRiskRatio: -1 }],
      '[1].atRiskRatio',
      '预警比例（atRiskRatio）',
    ],
  ])('%s', (_what, input, path, message) => {
    const err = rejection(() => parseSlaPolicies(input));
    expect(err.code).toBe('validation');
    expect(err.message.startsWith('SLA 策略配置不正确：')).toBe(true);
    expect(err.issues?.find((i) => i.path === path)?.message ?? JSON.stringify(err.issues)).toContain(
      message,
    );
  });

  it('accepts one default and distinct tiers', () => {
    expect(parseSlaPolicies([std, { id: 'gold', name: '金牌', tier: 'gold' }]).map((p) => p.tier)).toEqual([
      undefined,
      'gold',
    ]);
  });
});
