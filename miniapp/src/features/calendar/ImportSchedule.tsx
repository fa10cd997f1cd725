import { Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { type CalendarSettings, postHolidaySchedule, type Schedule } from './calendar-api.ts';
import { calendarTexts } from './texts.ts';

const example = `{
  "year": 2027,
  "source": "国务院办公厅关于2027年部分节假日安排的通知",
  "holidays": [
    { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" }
  ],
  "workdays": [{ "date": "2027-02-14", "name": "春节调休" }]
}`;

/** Upload of one year's official schedule (format: shared/calendar/README.md); refused whole when anything is wrong. */
export function ImportSchedule({
  imported,
  onSaved,
}: {
  imported: readonly Schedule[];
  onSaved: (settings: CalendarSettings) => void;
}) {
  const { t } = useI18n();
  const ct = useTexts(calendarTexts);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const upload = async (file: File) => {
    setProblems([]);
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      setProblems([ct('import.badJson', { reason: err instanceof Error ? err.message : String(err) })]);
      return;
    }
    setBusy(true);
    try {
      const { settings } = await postHolidaySchedule(json);
      const year = (json as { year?: unknown }).year;
      Toast.show({ icon: 'success', content: ct('import.done', { year: String(year) }) });
      onSaved(settings);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues.map((i) => i.message) : [];
      setProblems(issues.length > 0 ? issues : [errorText(err, t)]);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <section className="card" data-testid="import-schedule">
      <p className="muted">{ct('import.hint')}</p>
      {imported.length > 0 && (
        <p className="muted">{ct('import.years', { years: imported.map((s) => s.year).join('、') })}</p>
      )}
      <label className="file-button">
        <span>{ct('import.choose')}</span>
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          data-testid="import-file"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
          }}
        />
      </label>
      {problems.length > 0 && (
        <div className="field-error" role="alert" data-testid="import-errors">
          {ct('import.failed')}
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <details className="format">
        <summary>{ct('import.format')}</summary>
        <pre>{example}</pre>
      </details>
    </section>
  );
}
