import { describe, expect, it } from 'vitest';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { chinaHolidayData } from '../../../shared/calendar/china-holiday-data.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { coverageEnd, coverageWarning } from '../../../shared/calendar/coverage.ts';
import { mergeSchedule } from '../../../shared/calendar/merge-schedule.ts';
import { sh } from './shanghai-time.ts';

const calendar = compileCalendar(defaultCalendarConfig);

describe('coverageEnd', () => {
  it('is 31 December of the last year with data', () => {
    expect(coverageEnd(calendar)).toBe('2026-12-31');
    expect(coverageEnd(compileCalendar(defaultCalendarConfig, []))).toBeNull();
  });
});

describe('coverageWarning (default: from 60 days before the end)', () => {
  it('stays silent until 61 days before the end', () => {
    // 31 Dec − 31 Oct = 61 days
    expect(coverageWarning(calendar, sh('2026-10-31 23:59'))).toBeNull();
    expect(coverageWarning(calendar, sh('2026-03-02 10:00'))).toBeNull();
  });

  it('warns from 60 days before, counting days in Asia/Shanghai', () => {
    // 2026-10-31T16:00Z is already 1 Nov 00:00 in Shanghai: 60 days left
    const warning = coverageWarning(calendar, new Date('2026-10-31T16:00:00Z'));
    expect(warning).toEqual({
      date: '2026-12-31',
      daysLeft: 60,
      expired: false,
      messages: {
        'zh-CN':
          '法定节假日与调休数据只覆盖到 2026-12-31（还剩 60 天）。请导入国务院办公厅发布的 2027 年节假日安排；否则 2026-12-31 之后的响应时限将只按每周工作时间计算，不计节假日和调休。',
        en: "Holiday data covers dates up to 2026-12-31 (60 days left). Import the State Council's 2027 holiday schedule; otherwise response deadlines after 2026-12-31 follow the weekly pattern only, without holidays or make-up working days.",
      },
    });
    expect(coverageWarning(calendar, sh('2026-12-31 23:59'))).toMatchObject({ daysLeft: 0, expired: false });
  });

  it('reports expiry once the data has run out', () => {
    const warning = coverageWarning(calendar, sh('2027-01-01 00:00'));
    expect(warning).toMatchObject({ date: '2026-12-31', daysLeft: -1, expired: true });
    expect(warning?.messages['zh-CN']).toContain('2027 年起');
    expect(warning?.messages.en).toContain('today (2027-01-01) is past it');
  });

  it('takes the number of days as a parameter', () => {
    expect(coverageWarning(calendar, sh('2026-11-15 10:00'), 30)).toBeNull(); // 46 days left
    expect(coverageWarning(calendar, sh('2026-12-01 10:00'), 30)).toMatchObject({ daysLeft: 30 });
    expect(() => coverageWarning(calendar, sh('2026-12-01 10:00'), -1)).toThrow(RangeError);
  });

  it('is silent again after the next year is imported', () => {
    const with2027 = compileCalendar(
      defaultCalendarConfig,
      mergeSchedule(chinaHolidayData, { year: 2027, source: 'test', holidays: [], workdays: [] }),
    );
    expect(coverageWarning(with2027, sh('2026-11-01 10:00'))).toBeNull();
  });

  it('warns when no data is loaded at all', () => {
    expect(coverageWarning(compileCalendar(defaultCalendarConfig, []), sh('2026-03-02 10:00'))).toMatchObject(
      {
        date: null,
        daysLeft: null,
        expired: true,
      },
    );
  });
});
