import { describe, expect, it } from 'vitest';
import {
  bookingTypeOf,
  defaultBookingConfig,
  defaultBookingTypeKeys,
  parseBookingConfig,
} from '../../../shared/booking/booking-types.ts';
import { DomainError } from '../../../shared/errors.ts';

describe('default booking configuration', () => {
  it('has the five agreed types with their durations and buffers', () => {
    expect(
      defaultBookingConfig.types.map((t) => [
        t.key,
        t.nameZh,
        t.durationMinutes,
        t.bufferBeforeMinutes,
        t.bufferAfterMinutes,
        t.needsQualifiedEngineer,
        t.maySpanBreaks,
      ]),
    ).toEqual([
      ['remoteSupport', '远程支持', 60, 0, 0, false, false],
      ['onSite', '现场服务', 240, 60, 60, true, true],
      ['consultation', '咨询电话', 30, 0, 0, false, false],
      ['training', '培训', 120, 0, 0, false, false],
      ['inspectionCall', '巡检沟通', 60, 0, 0, false, false],
    ]);
    expect(defaultBookingConfig.types.map((t) => t.key)).toEqual([...defaultBookingTypeKeys]);
  });

  it('books 30 days ahead, with 2 working hours of notice, on a 30-minute grid', () => {
    expect(defaultBookingConfig).toMatchObject({
      horizonDays: 30,
      noticeWorkingMinutes: 120,
      granularityMinutes: 30,
    });
  });

  it('fills defaults into a partial admin configuration', () => {
    const config = parseBookingConfig({
      horizonDays: 14,
      types: [
        {
          key: 'healthCheck',
          nameZh: '健康检查',
          nameEn: 'Health check',
          mode: 'remote',
          durationMinutes: 45,
        },
      ],
    });
    expect(config).toEqual({
      horizonDays: 14,
      noticeWorkingMinutes: 120,
      granularityMinutes: 30,
      reminderMinutesBefore: [1440, 30],
      types: [
        {
          key: 'healthCheck',
          nameZh: '健康检查',
          nameEn: 'Health check',
          enabled: true,
          mode: 'remote',
          durationMinutes: 45,
          bufferBeforeMinutes: 0,
          bufferAfterMinutes: 0,
          needsQualifiedEngineer: false,
          maySpanBreaks: false,
        },
      ],
    });
  });
});

describe('parseBookingConfig rejects bad configurations in Chinese', () => {
  const base = defaultBookingConfig.types[0]!;
  it.each<[string, unknown, string, RegExp]>([
    [
      'duration off the 15-minute grid',
      { types: [{ ...base, durationMinutes: 50 }] },
      'types[0].durationMinutes',
      /15 分钟/,
    ],
    ['zero duration', { types: [{ ...base, durationMinutes: 0 }] }, 'types[0].durationMinutes', /大于 0/],
    ['duplicate key', { types: [base, base] }, 'types[1].key', /重复/],
    ['no types', { types: [] }, 'types', /至少/],
    ['granularity 20', { granularityMinutes: 20 }, 'granularityMinutes', /15、30、60/],
    ['horizon 0', { horizonDays: 0 }, 'horizonDays', /至少 1 天/],
    ['negative notice', { noticeWorkingMinutes: -1 }, 'noticeWorkingMinutes', /负数/],
    ['bad key', { types: [{ ...base, key: 'Remote support' }] }, 'types[0].key', /小写字母/],
    ['unknown mode', { types: [{ ...base, mode: 'fax' }] }, 'types[0].mode', /remote/],
  ])('%s', (_, input, path, message) => {
    try {
      parseBookingConfig(input);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      const error = err as DomainError;
      expect(error.code).toBe('validation');
      expect(error.message).toBe('预约配置无效');
      const issue = error.issues?.find((i) => i.path === path);
      expect(issue?.message).toMatch(message);
    }
  });

  it('rejects unknown keys (typos such as horizonDay)', () => {
    expect(() => parseBookingConfig({ horizonDay: 10 })).toThrowError(DomainError);
  });
});

describe('bookingTypeOf', () => {
  it('finds enabled types and refuses unknown or disabled ones', () => {
    expect(bookingTypeOf(defaultBookingConfig, 'onSite').nameEn).toBe('On-site service');
    expect(() => bookingTypeOf(defaultBookingConfig, 'massage')).toThrowError(/未知的预约类型/);
    const config = parseBookingConfig({ types: [{ ...defaultBookingConfig.types[0]!, enabled: false }] });
    expect(() => bookingTypeOf(config, 'remoteSupport')).toThrowError(/已停用/);
    expect(bookingTypeOf(config, 'remoteSupport', false).key).toBe('remoteSupport');
  });
});
