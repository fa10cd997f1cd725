import { describe, expect, it } from 'vitest';
import type { SlaClock } from '../../../shared/sla/compute-sla-clocks.ts';
import {
  clockStatusLine,
  formatBeijingDateTime,
  formatDuration,
  promiseText,
  timeLeftText,
} from '../../../shared/sla/promise-text.ts';
import { clocksOf, sh } from './fixtures.ts';

describe('formatBeijingDateTime (process TZ is UTC in tests)', () => {
  it.each([
    ['2026-02-24T02:00:00Z', '2026年2月24日 10:00', '24 Feb 2026 10:00'],
    // 16:30 UTC on the 23rd is already the 24th in Beijing
    ['2026-02-23T16:30:00Z', '2026年2月24日 00:30', '24 Feb 2026 00:30'],
    ['2026-12-31T16:05:00Z', '2027年1月1日 00:05', '1 Jan 2027 00:05'],
  ])('%s → %s / %s', (iso, zh, en) => {
    expect(formatBeijingDateTime(new Date(iso))).toBe(zh);
    expect(formatBeijingDateTime(new Date(iso), 'en')).toBe(en);
  });
});

describe('formatDuration', () => {
  it.each([
    [60, 'working', '1 个工作小时', '1 working hour'],
    [200, 'working', '3 个工作小时 20 分钟', '3 working hours 20 minutes'],
    [20, 'working', '20 个工作分钟', '20 working minutes'],
    [1, 'working', '1 个工作分钟', '1 working minute'],
    [1440, 'working', '24 个工作小时', '24 working hours'],
    [2880, 'calendar', '48 小时', '48 hours'],
    [2825, 'calendar', '47 小时 5 分钟', '47 hours 5 minutes'],
    [0, 'calendar', '0 分钟', '0 minutes'],
  ] as const)('%i %s → %s', (minutes, unit, zh, en) => {
    expect(formatDuration(minutes, unit)).toBe(zh);
    expect(formatDuration(minutes, unit, 'en')).toBe(en);
  });
});

describe('promiseText', () => {
  it('level 1 reported in the Spring Festival holiday: due Tue 24 Feb 10:00', () => {
    // created Wed 18 Feb 10:00 (holiday) → clock starts Tue 24 Feb 09:00 → + 1 h = 10:00
    const { clocks } = clocksOf({ level: 1, created: '2026-02-18 10:00', now: '2026-02-18 10:00' });
    const clock = clocks.firstResponse;
    expect(promiseText({ ...clock, dueAt: clock.dueAt!, level: 1 })).toBe(
      '按服务协议，我们将在 2026年2月24日 10:00 前响应（一级：1 个工作小时）',
    );
    expect(promiseText({ ...clock, dueAt: clock.dueAt!, level: 1 }, 'en')).toBe(
      'Under the service agreement we will respond by 24 Feb 2026 10:00 Beijing time (Level 1: 1 working hour).',
    );
  });

  it.each([
    [
      'firstResponse',
      2,
      480,
      'working',
      '按服务协议，我们将在 2026年3月3日 10:00 前响应（二级：8 个工作小时）',
    ],
    [
      'nextUpdate',
      2,
      240,
      'working',
      '按服务协议，我们将在 2026年3月3日 10:00 前向您更新处理进展（二级：每 4 个工作小时）',
    ],
    [
      'resolution',
      3,
      960,
      'working',
      '按服务协议，我们将在 2026年3月3日 10:00 前解决（三级：16 个工作小时）',
    ],
    ['onSite', 1, 2880, 'calendar', '按服务协议，工程师将在 2026年3月3日 10:00 前到达现场（一级：48 小时）'],
  ] as const)('%s', (target, level, budgetMinutes, unit, text) => {
    expect(promiseText({ target, level, budgetMinutes, unit, dueAt: sh('2026-03-03 10:00') })).toBe(text);
  });
});

describe('timeLeftText for 查询', () => {
  const clock = (
    state: SlaClock['state'],
    remainingMinutes: number,
    elapsedMinutes = 0,
    unit: SlaClock['unit'] = 'working',
  ) => ({
    state,
    remainingMinutes,
    elapsedMinutes,
    unit,
  });
  it.each([
    [clock('running', 200), '剩余 3 个工作小时 20 分钟', '3 working hours 20 minutes left'],
    [clock('running', 20.9), '剩余 20 个工作分钟', '20 working minutes left'], // time left rounds down
    [clock('running', 0.5), '剩余不到 1 个工作分钟', 'less than 1 working minute left'],
    [clock('paused', 600), '已暂停计时，剩余 10 个工作小时', 'paused, 10 working hours left'],
    [clock('breached', -60), '已超时 1 个工作小时', '1 working hour overdue'],
    [clock('breached', -0.25), '已超时 1 个工作分钟', '1 working minute overdue'], // time over rounds up
    [clock('breached', 0), '已超时', 'overdue'], // due on Fri 18:00, now Saturday: no working minute over yet
    [clock('met', 20, 40), '已按时完成（用时 40 个工作分钟）', 'met (took 40 working minutes)'],
    [
      clock('missed', -80, 140),
      '已超时完成（超出 1 个工作小时 20 分钟）',
      'completed late (1 working hour 20 minutes over)',
    ],
    [clock('missed', 0, 60), '已超时完成', 'completed late'],
    [clock('running', 1740, 1140, 'calendar'), '剩余 29 小时', '29 hours left'],
  ])('%j → %s', (c, zh, en) => {
    expect(timeLeftText(c)).toBe(zh);
    expect(timeLeftText(c, 'en')).toBe(en);
  });

  it('one line per clock, from real clocks', () => {
    // L1 created Mon 2 Mar 10:00; at 10:40: 20 working minutes left
    const { clocks } = clocksOf({ level: 1, created: '2026-03-02 10:00', now: '2026-03-02 10:40' });
    expect(clockStatusLine(clocks.firstResponse)).toBe('首次响应：剩余 20 个工作分钟');
    expect(clockStatusLine(clocks.firstResponse, 'en')).toBe('First response: 20 working minutes left');
    // at 13:10: 10:00–12:00 (120) + 13:00–13:10 (10) = 130 → 70 over
    const late = clocksOf({ level: 1, created: '2026-03-02 10:00', now: '2026-03-02 13:10' });
    expect(clockStatusLine(late.clocks.firstResponse)).toBe('首次响应：已超时 1 个工作小时 10 分钟');
  });
});
