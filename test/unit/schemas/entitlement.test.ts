import { describe, expect, it } from 'vitest';
import type { Licence } from '../../../shared/schemas/directory-import.ts';
import { checkEntitlement, type Entitlement, shanghaiDate } from '../../../shared/schemas/entitlement.ts';

// A customer with EKP: free 2025, paid 2026–2027 (two contracts meeting at New Year),
// KMS paid with a gap (2024, then 2026-07 onwards), EIS licensed but never serviced.
const licences: Licence[] = [
  {
    id: 'lic-ekp',
    productLine: 'EKP',
    version: 'V16',
    servicePeriods: [
      { kind: 'free', from: '2025-01-01', to: '2025-12-31' },
      { kind: 'paid', from: '2026-01-01', to: '2027-12-31' },
    ],
  },
  {
    id: 'lic-kms',
    productLine: 'KMS',
    servicePeriods: [
      { kind: 'paid', from: '2024-01-01', to: '2024-12-31' },
      { kind: 'paid', from: '2026-07-01', to: '2026-12-31' },
    ],
  },
  { id: 'lic-eis', productLine: 'EIS', servicePeriods: [] },
];

type Case = [what: string, productLine: string, date: string, expected: Entitlement];

describe('checkEntitlement', () => {
  it.each<Case>([
    [
      'first day of the free period',
      'EKP',
      '2025-01-01',
      {
        entitled: true,
        kind: 'free',
        licenceId: 'lic-ekp',
        period: { kind: 'free', from: '2025-01-01', to: '2025-12-31' },
      },
    ],
    [
      'last day of the free period (both ends included)',
      'EKP',
      '2025-12-31',
      {
        entitled: true,
        kind: 'free',
        licenceId: 'lic-ekp',
        period: { kind: 'free', from: '2025-01-01', to: '2025-12-31' },
      },
    ],
    [
      'the next day: the paid contract',
      'EKP',
      '2026-01-01',
      {
        entitled: true,
        kind: 'paid',
        licenceId: 'lic-ekp',
        period: { kind: 'paid', from: '2026-01-01', to: '2027-12-31' },
      },
    ],
    [
      'last day of the paid contract',
      'EKP',
      '2027-12-31',
      {
        entitled: true,
        kind: 'paid',
        licenceId: 'lic-ekp',
        period: { kind: 'paid', from: '2026-01-01', to: '2027-12-31' },
      },
    ],
    [
      'the day after everything ended',
      'EKP',
      '2028-01-01',
      { entitled: false, reason: 'outsidePeriod', lastEndedOn: '2027-12-31' },
    ],
    [
      'before anything started',
      'EKP',
      '2024-12-31',
      { entitled: false, reason: 'outsidePeriod', nextStartsOn: '2025-01-01' },
    ],
    [
      'in the gap between two KMS contracts',
      'KMS',
      '2025-08-15',
      { entitled: false, reason: 'outsidePeriod', lastEndedOn: '2024-12-31', nextStartsOn: '2026-07-01' },
    ],
    [
      'licensed without any service period',
      'EIS',
      '2026-03-01',
      { entitled: false, reason: 'outsidePeriod' },
    ],
    ['no licence for the product line', 'KK', '2026-03-01', { entitled: false, reason: 'noLicence' }],
    [
      'product lines are exact (no case folding)',
      'ekp',
      '2026-03-01',
      { entitled: false, reason: 'noLicence' },
    ],
  ])('%s: %s on %s', (_what, productLine, date, expected) => {
    expect(checkEntitlement(licences, productLine, date)).toEqual(expected);
  });

  it('prefers a paid period over a free one covering the same day', () => {
    // Free warranty 2026-01-01…2026-06-30 overlaps a paid contract starting 2026-03-01.
    const overlapping: Licence[] = [
      {
        id: 'a',
        productLine: 'KK',
        servicePeriods: [
          { kind: 'free', from: '2026-01-01', to: '2026-06-30' },
          { kind: 'paid', from: '2026-03-01', to: '2026-04-30' },
        ],
      },
    ];
    expect(checkEntitlement(overlapping, 'KK', '2026-04-01')).toMatchObject({ entitled: true, kind: 'paid' });
    expect(checkEntitlement(overlapping, 'KK', '2026-05-01')).toMatchObject({ entitled: true, kind: 'free' });
  });

  it('among periods of the same kind, reports the one that runs longest (over several licences)', () => {
    const two: Licence[] = [
      {
        id: 'short',
        productLine: 'KK',
        servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2026-03-31' }],
      },
      {
        id: 'long',
        productLine: 'KK',
        servicePeriods: [{ kind: 'paid', from: '2026-01-01', to: '2026-12-31' }],
      },
    ];
    expect(checkEntitlement(two, 'KK', '2026-02-01')).toMatchObject({ entitled: true, licenceId: 'long' });
  });

  it('refuses a day that is not a real date', () => {
    expect(() => checkEntitlement(licences, 'EKP', '2026-02-30')).toThrow(RangeError);
    expect(() => checkEntitlement(licences, 'EKP', '2026/03/01')).toThrow(RangeError);
  });
});

describe('shanghaiDate', () => {
  it.each([
    ['2026-03-01T15:59:59.999Z', '2026-03-01'], // 23:59:59 in Shanghai
    ['2026-03-01T16:00:00.000Z', '2026-03-02'], // midnight in Shanghai: already the next day
    ['2025-12-31T16:00:00.000Z', '2026-01-01'], // New Year arrives 8 h before UTC's
    ['2028-02-28T16:30:00.000Z', '2028-02-29'], // leap day
  ])('%s is %s in Asia/Shanghai', (instant, day) => {
    expect(shanghaiDate(new Date(instant))).toBe(day);
  });

  it('decides entitlement on the Shanghai day, not the UTC day', () => {
    // 2025-12-31 17:00 UTC = 2026-01-01 01:00 in Shanghai: the paid EKP contract, not the free one.
    const day = shanghaiDate(new Date('2025-12-31T17:00:00Z'));
    expect(checkEntitlement(licences, 'EKP', day)).toMatchObject({ entitled: true, kind: 'paid' });
  });
});
