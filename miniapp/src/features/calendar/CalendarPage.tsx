import { NoticeBar } from 'antd-mobile';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { shanghaiDate } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { type CalendarAnswer, type CalendarSettings, getCalendar } from './calendar-api.ts';
import { HolidayList } from './HolidayList.tsx';
import { ImportSchedule } from './ImportSchedule.tsx';
import { OverridesEditor } from './OverridesEditor.tsx';
import { calendarTexts } from './texts.ts';
import { WeeklyEditor } from './WeeklyEditor.tsx';

/**
 * 工作日历 (admin): the warning when the statutory data runs out, overrides
 * of single dates, this year's holidays and make-up days, the weekly hours,
 * and the import of a new year's schedule. Response deadlines of new tickets follow every
 * change at once.
 */
export function CalendarPage() {
  const { t, lang } = useI18n();
  const ct = useTexts(calendarTexts);
  const load = useLoad(getCalendar);
  return (
    <Shell title={t('feature.calendar')} back>
      <Loaded load={load}>
        {(data) => {
          const saved = (settings: CalendarSettings) => {
            load.set({ ...data, settings } satisfies CalendarAnswer);
            load.reload(); // the coverage warning may have changed
          };
          const warning = data.coverage.warning;
          return (
            <>
              {warning && (
                <div data-testid="coverage-warning">
                  <NoticeBar
                    color={warning.expired ? 'error' : 'alert'}
                    wrap
                    content={warning.messages[lang === 'zh' ? 'zh-CN' : 'en']}
                  />
                </div>
              )}
              {data.coverage.end && !warning && (
                <p className="muted">{ct('coverage', { date: data.coverage.end })}</p>
              )}
              <h2 className="section-title">{ct('overrides.title')}</h2>
              <OverridesEditor overrides={data.settings.overrides} onSaved={saved} />
              <h2 className="section-title">{ct('holidays.title')}</h2>
              <HolidayList
                imported={data.settings.importedSchedules}
                year={Number(shanghaiDate(new Date()).slice(0, 4))}
              />
              <h2 className="section-title">{ct('weekly.title')}</h2>
              <WeeklyEditor key={data.settings.version} config={data.settings.config} onSaved={saved} />
              <h2 className="section-title">{ct('import.title')}</h2>
              <ImportSchedule imported={data.settings.importedSchedules} onSaved={saved} />
            </>
          );
        }}
      </Loaded>
    </Shell>
  );
}
