import type { Licence, ServicePeriod, ServicePeriodKind } from './directory-import.ts';
import { isIsoDate } from './iso-date.ts';

/**
 * Preconditions of service 1 and 3 of the agreement: a valid licence for the
 * product line, and a free or paid service period covering the day. Pure:
 * the caller says which day it is (see `shanghaiDate`).
 */
export type Entitlement =
  | {
      entitled: true;
      kind: ServicePeriodKind;
      licenceId: string;
      period: ServicePeriod;
    }
  | {
      entitled: false;
      /** noLicence: no licence for the product line; outsidePeriod: licensed, but no period covers the day. */
      reason: 'noLicence' | 'outsidePeriod';
      /** Last day of the latest period that ended before the day, if any ("服务期已于 … 到期"). */
      lastEndedOn?: string;
      /** First day of the earliest period that starts after the day, if any. */
      nextStartsOn?: string;
    };

/**
 * Is there a licence for `productLine` with a service period covering `date`
 * (YYYY-MM-DD, both ends included)? When several periods cover the day, a
 * paid one wins over a free one (the paid contract is the one the customer
 * is paying for now), then the one that runs longest.
 */
export function checkEntitlement(
  licences: ReadonlyArray<Pick<Licence, 'id' | 'productLine' | 'servicePeriods'>>,
  productLine: string,
  date: string,
): Entitlement {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  const relevant = licences.filter((l) => l.productLine === productLine);
  if (relevant.length === 0) return { entitled: false, reason: 'noLicence' };

  let best: { licenceId: string; period: ServicePeriod } | undefined;
  let lastEndedOn: string | undefined;
  let nextStartsOn: string | undefined;
  for (const licence of relevant) {
    for (const period of licence.servicePeriods) {
      if (period.to < date) {
        if (lastEndedOn === undefined || period.to > lastEndedOn) lastEndedOn = period.to;
      } else if (period.from > date) {
        if (nextStartsOn === undefined || period.from < nextStartsOn) nextStartsOn = period.from;
      } else if (!best || better(period, best.period)) {
        best = { licenceId: licence.id, period };
      }
    }
  }
  if (best) return { entitled: true, kind: best.period.kind, licenceId: best.licenceId, period: best.period };
  return {
    entitled: false,
    reason: 'outsidePeriod',
    ...(lastEndedOn !== undefined && { lastEndedOn }),
    ...(nextStartsOn !== undefined && { nextStartsOn }),
  };
}

function better(a: ServicePeriod, b: ServicePeriod): boolean {
  if (a.kind !== b.kind) return a.kind === 'paid';
  return a.to > b.to;
}

/**
 * The calendar day of an instant in Asia/Shanghai (UTC+8 all year, no
 * daylight saving since 1991), whatever the process time zone is.
 */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
