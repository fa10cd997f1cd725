import { Tabs } from 'antd-mobile';
import { useState } from 'react';
import { chinaHolidayData } from '../../../../shared/calendar/china-holiday-data.ts';
import { mergeSchedule } from '../../../../shared/calendar/merge-schedule.ts';
import { formatIsoDate } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import type { Schedule } from './calendar-api.ts';
import { calendarTexts } from './texts.ts';

/**
 * The year's statutory days off and make-up working days as the desk
 * computes with them: the built-in data (shared/calendar, generated from the
 * official notices) with the admin's imported years on top — the same merge
 * the server does.
 */
export function HolidayList({ imported, year }: { imported: readonly Schedule[]; year: number }) {
  const { lang } = useI18n();
  const ct = useTexts(calendarTexts);
  let data: readonly Schedule[] = chinaHolidayData;
  for (const s of imported) data = mergeSchedule(data, s);
  const years = [...new Set([...data.map((s) => s.year), year])].sort((a, b) => a - b);
  const [shown, setShown] = useState(year);
  const schedule = data.find((s) => s.year === shown);
  const isImported = imported.some((s) => s.year === shown);
  const day = (iso: string) => formatIsoDate(iso, lang);
  const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  return (
    <section className="card" data-testid="holiday-list">
      <Tabs activeKey={String(shown)} onChange={(k) => setShown(Number(k))}>
        {years.map((y) => (
          <Tabs.Tab key={String(y)} title={String(y)} />
        ))}
      </Tabs>
      {!schedule ? (
        <p className="muted">{ct('holidays.none', { year: shown })}</p>
      ) : (
        <>
          <p className="muted">
            {ct('holidays.source', { source: schedule.source })}
            {isImported && ct('holidays.imported')}
          </p>
          <h3 className="sub-title">{ct('holidays.holidays')}</h3>
          <ul className="plain-list">
            {schedule.holidays.map((h) => (
              <li key={h.from} className="holiday">
                <span className="holiday-name">{h.name}</span>
                <span>
                  {day(h.from)}
                  {h.to !== h.from && ` – ${day(h.to)}`}
                </span>
                <span className="muted">{ct('holidays.days', { n: days(h.from, h.to) })}</span>
              </li>
            ))}
          </ul>
          <h3 className="sub-title">{ct('holidays.workdays')}</h3>
          <ul className="plain-list">
            {schedule.workdays.map((w) => (
              <li key={w.date} className="holiday">
                <span className="holiday-name">{w.name}</span>
                <span>{day(w.date)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
