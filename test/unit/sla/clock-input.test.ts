import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { DomainError } from '../../../shared/errors.ts';
import { computeSlaClocks, type SlaClockInput } from '../../../shared/sla/compute-sla-clocks.ts';
import { defaultSlaPolicy } from '../../../shared/sla/policy.ts';
import { promiseText } from '../../../shared/sla/promise-text.ts';
import { calendar, sh } from './fixtures.ts';

const valid: SlaClockInput = {
  calendar,
  policy: defaultSlaPolicy,
  level: 1,
  createdAt: sh('2026-03-02 10:00'),
  statusHistory: [
    { at: sh('2026-03-02 10:00'), status: 'triage' },
    { at: sh('2026-03-02 10:10'), status: 'assigned' },
  ],
  now: sh('2026-03-02 10:30'),
};

describe('computeSlaClocks rejects inconsistent input with zh-CN messages', () => {
  type Case = [
    what: string,
    patch: Partial<Record<keyof SlaClockInput, unknown>>,
    path: string,
    message: string,
  ];
  it.each<Case>([
    ['empty history', { statusHistory: [] }, 'statusHistory', '状态历史（statusHistory）不能为空'],
    [
      'history not starting at creation',
      { statusHistory: [{ at: sh('2026-03-02 10:05'), status: 'triage' }] },
      'statusHistory[0].at',
      '第一条应在创建时间',
    ],
    [
      'history out of order',
      {
        statusHistory: [
          { at: sh('2026-03-02 10:00'), status: 'triage' },
          { at: sh('2026-03-02 10:20'), status: 'assigned' },
          { at: sh('2026-03-02 10:10'), status: 'inProgress' },
        ],
      },
      'statusHistory[2].at',
      '应按时间先后排列：第 3 条早于前一条',
    ],
    [
      'unknown status',
      { statusHistory: [{ at: sh('2026-03-02 10:00'), status: 'open' }] },
      'statusHistory[0].status',
      '不是已知的工单状态：open',
    ],
    [
      'now before creation',
      { now: sh('2026-03-02 09:00') },
      'now',
      '计算时间（now）早于创建时间（createdAt）',
    ],
    ['invalid date', { now: new Date('nope') }, 'now', '计算时间（now）不是有效的时间'],
    ['level 6', { level: 6 }, 'level', '响应级别（level）应为 1–5'],
    [
      'response before creation',
      { firstResponseAt: sh('2026-03-02 09:59') },
      'firstResponseAt',
      '首次响应时间（firstResponseAt）早于创建时间',
    ],
    [
      'update before creation',
      { vendorUpdates: [sh('2026-03-02 10:20'), sh('2026-03-01 10:00')] },
      'vendorUpdates[1]',
      '回复时间（vendorUpdates[1]）早于创建时间',
    ],
    [
      'resolved before creation',
      { resolvedAt: sh('2026-03-01 10:00') },
      'resolvedAt',
      '解决时间（resolvedAt）早于创建时间',
    ],
    [
      'arrival before the request',
      { onSite: { requiredAt: sh('2026-03-02 10:20'), arrivedAt: sh('2026-03-02 10:10') } },
      'onSite.arrivedAt',
      '到达现场时间（onSite.arrivedAt）早于需要上门的时间（onSite.requiredAt）',
    ],
  ])('%s', (_what, patch, path, message) => {
    let error: unknown;
    try {
      computeSlaClocks({ ...valid, ...patch } as SlaClockInput);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe('validation');
    expect(domain.message).toContain(message);
    expect(domain.issues?.[0]?.path).toBe(path);
  });

  it('accepts the valid input, and entries at the same instant (the last one wins)', () => {
    const r = computeSlaClocks({
      ...valid,
      statusHistory: [
        { at: sh('2026-03-02 10:00'), status: 'triage' },
        { at: sh('2026-03-02 10:00'), status: 'closed' },
      ],
    });
    // closed at creation: the first response is completed at once
    expect(r.clocks.firstResponse).toMatchObject({ state: 'met', elapsedMinutes: 0 });
  });

  it('status changes after now are not yet in effect', () => {
    const r = computeSlaClocks({
      ...valid,
      statusHistory: [...valid.statusHistory, { at: sh('2026-03-02 11:00'), status: 'closed' }],
    });
    expect(r.clocks.firstResponse.state).toBe('running');
  });
});

describe('independence from the process time zone', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('gives the same clocks and texts under UTC, Asia/Shanghai, America/New_York and Pacific/Chatham', () => {
    const results = new Set<string>();
    for (const tz of ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Chatham']) {
      process.env.TZ = tz;
      const cal = compileCalendar(defaultCalendarConfig, chinaHolidayData, []); // fresh: no cached day plans
      const r = computeSlaClocks({
        ...valid,
        calendar: cal,
        createdAt: sh('2026-02-13 17:30'),
        statusHistory: [{ at: sh('2026-02-13 17:30'), status: 'triage' }],
        now: sh('2026-02-13 17:40'),
      });
      const c = r.clocks.firstResponse;
      results.add(JSON.stringify([r, promiseText({ ...c, dueAt: c.dueAt!, level: 1 })]));
    }
    expect(results.size).toBe(1);
    // Fri 13 Feb 17:30 + 60 = 17:30–18:00 + make-up Sat 14 Feb 09:00–09:30
    expect([...results][0]).toContain(
      '按服务协议，我们将在 2026年2月14日 09:30 前响应（一级：1 个工作小时）',
    );
  });

  it('keeps shared/sla free of clocks, local-time accessors and I/O', () => {
    const dir = new URL('../../../shared/sla/', import.meta.url);
    const sources = readdirSync(dir).filter((file) => file.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(6);
    for (const file of sources) {
      const code = readFileSync(new URL(file, dir), 'utf8');
      expect(code, file).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now/);
      expect(code, file).not.toMatch(
        /\.get(FullYear|Month|Date|Day|Hours|Minutes|Seconds)\(|getTimezoneOffset|toLocale/,
      );
      expect(code, file).not.toMatch(/from 'node:|process\.|Intl\./);
    }
  });
});
