import { Button, Input, Toast } from 'antd-mobile';
import { useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { FieldError, issuesByPath } from '../../components/FieldError.tsx';
import { useI18n, useTexts } from '../../i18n.ts';
import {
  type CalendarConfig,
  type CalendarSettings,
  type Period,
  putWeekly,
  weekdays,
} from './calendar-api.ts';
import { periodProblems } from './periods.ts';
import { calendarTexts } from './texts.ts';

type Row = (typeof weekdays)[number] | 'makeUp';
const rows: readonly Row[] = [...weekdays, 'makeUp'];

/**
 * The weekly pattern: each weekday's periods and the hours of a make-up
 * working day, checked field by field before saving as one change
 * (PUT /api/calendar/weekly — all or nothing).
 */
export function WeeklyEditor({
  config,
  onSaved,
}: {
  config: CalendarConfig;
  onSaved: (settings: CalendarSettings) => void;
}) {
  const { t } = useI18n();
  const ct = useTexts(calendarTexts);
  const initial = (): Record<Row, Period[]> => ({ ...config.weekly, makeUp: config.makeUpWorkdayPeriods });
  const [draft, setDraft] = useState<Record<Row, Period[]>>(initial);
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ byPath: Map<string, string>; message?: string }>({
    byPath: new Map(),
  });
  const [saving, setSaving] = useState(false);

  const problems = new Map<string, string>();
  for (const row of rows) {
    for (const [key, problem] of periodProblems(draft[row]))
      problems.set(`${row}.${key}`, ct(`problem.${problem}`));
  }
  if (draft.makeUp.length === 0) problems.set('makeUp', ct('problem.makeUpEmpty'));

  const serverPath = (row: Row, i: number, field: 'from' | 'to') =>
    row === 'makeUp' ? `makeUpWorkdayPeriods[${i}].${field}` : `weekly.${row}[${i}].${field}`;
  const messageFor = (row: Row, i: number, field: 'from' | 'to') =>
    (shown ? problems.get(`${row}.${i}.${field}`) : undefined) ??
    server.byPath.get(serverPath(row, i, field));

  const change = (row: Row, periods: Period[]) => {
    setDraft((d) => ({ ...d, [row]: periods }));
    setServer({ byPath: new Map() });
  };

  const save = async () => {
    setShown(true);
    if (problems.size > 0) {
      Toast.show({ icon: 'fail', content: t('common.fixErrors') });
      return;
    }
    setSaving(true);
    try {
      const { makeUp, ...weekly } = draft;
      const { settings } = await putWeekly({
        timeZone: config.timeZone,
        weekly,
        makeUpWorkdayPeriods: makeUp,
      });
      Toast.show({ icon: 'success', content: ct('weekly.saved') });
      setShown(false);
      onSaved(settings);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      setServer({ byPath: issuesByPath(issues), message: errorText(err, t) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" data-testid="weekly-editor">
      <p className="muted">{ct('weekly.hint')}</p>
      {rows.map((row) => {
        const dayName = row === 'makeUp' ? ct('weekly.makeUp') : ct(`day.${row}`);
        const periods = draft[row];
        return (
          <div className="week-row" key={row} data-testid={`week-${row}`}>
            <div className="week-day">{dayName}</div>
            <div className="week-periods">
              {periods.length === 0 && <span className="muted">{ct('weekly.dayOff')}</span>}
              {periods.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: periods are edited in place by position
                <div className="period" key={i}>
                  <div className="period-inputs">
                    <Input
                      className={`time-input${messageFor(row, i, 'from') ? ' invalid' : ''}`}
                      aria-label={ct('weekly.from', { day: dayName, n: i + 1 })}
                      value={p.from}
                      maxLength={5}
                      inputMode="numeric"
                      onChange={(v) =>
                        change(
                          row,
                          periods.map((x, j) => (j === i ? { ...x, from: v } : x)),
                        )
                      }
                    />
                    <span>–</span>
                    <Input
                      className={`time-input${messageFor(row, i, 'to') ? ' invalid' : ''}`}
                      aria-label={ct('weekly.to', { day: dayName, n: i + 1 })}
                      value={p.to}
                      maxLength={5}
                      inputMode="numeric"
                      onChange={(v) =>
                        change(
                          row,
                          periods.map((x, j) => (j === i ? { ...x, to: v } : x)),
                        )
                      }
                    />
                    <Button
                      size="mini"
                      fill="none"
                      aria-label={`${ct('weekly.removePeriod')} ${dayName} ${i + 1}`}
                      onClick={() =>
                        change(
                          row,
                          periods.filter((_, j) => j !== i),
                        )
                      }
                    >
                      ✕
                    </Button>
                  </div>
                  <FieldError message={messageFor(row, i, 'from') ?? messageFor(row, i, 'to')} />
                </div>
              ))}
              {row === 'makeUp' && shown && <FieldError message={problems.get('makeUp')} />}
              <Button
                size="mini"
                fill="outline"
                className="add-period"
                aria-label={`${ct('weekly.addPeriod')} ${dayName}`}
                onClick={() => {
                  const last = periods.at(-1);
                  change(row, [
                    ...periods,
                    last ? { from: last.to, to: last.to } : { from: '09:00', to: '18:00' },
                  ]);
                }}
              >
                + {ct('weekly.addPeriod')}
              </Button>
            </div>
          </div>
        );
      })}
      {server.message && <FieldError message={server.message} testId="weekly-error" />}
      <Button
        block
        className="save-button"
        color="primary"
        loading={saving}
        onClick={save}
        data-testid="save-weekly"
      >
        {t('common.save')}
      </Button>
    </section>
  );
}
