import { Button, Dialog, Input, Selector, Tag, Toast } from 'antd-mobile';
import { useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { formatIsoDate } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import {
  type CalendarSettings,
  type Override,
  type OverrideKind,
  overrideKinds,
  putOverrides,
} from './calendar-api.ts';
import { parsePeriodsText, periodProblems, periodsText } from './periods.ts';
import { calendarTexts } from './texts.ts';

/**
 * Admin overrides of single dates. Adding or removing one saves the whole
 * list at once (PUT /api/calendar/overrides): each is one audited change,
 * and nothing is left half-saved on the screen.
 */
export function OverridesEditor({
  overrides,
  onSaved,
}: {
  overrides: readonly Override[];
  onSaved: (settings: CalendarSettings) => void;
}) {
  const { t, lang } = useI18n();
  const ct = useTexts(calendarTexts);
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<OverrideKind>('day-off');
  const [name, setName] = useState('');
  const [periods, setPeriods] = useState('');
  const [shown, setShown] = useState(false);
  const [serverError, setServerError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const sorted = [...overrides].sort((a, b) => a.date.localeCompare(b.date));
  const parsed = parsePeriodsText(periods);
  const problems: Partial<Record<'date' | 'name' | 'periods', string>> = {};
  if (!date) problems.date = ct('problem.dateRequired');
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
    problems.date = ct('problem.dateFormat');
  else if (overrides.some((o) => o.date === date)) problems.date = ct('problem.dateTaken', { date });
  if (name.trim().length > 40) problems.name = ct('problem.nameLong');
  if (kind !== 'day-off') {
    if (!parsed) problems.periods = ct('problem.periodsText');
    else if (kind === 'hours' && parsed.length === 0) problems.periods = ct('problem.periodsRequired');
    else {
      const first = [...periodProblems(parsed).values()][0];
      if (first) problems.periods = ct(`problem.${first}`);
    }
  }

  const save = async (next: Override[], done: string) => {
    setSaving(true);
    setServerError(undefined);
    try {
      const { settings } = await putOverrides(next);
      Toast.show({ icon: 'success', content: done });
      onSaved(settings);
      return true;
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues.map((i) => `${i.path}: ${i.message}`) : [];
      setServerError([errorText(err, t), ...issues].join('；'));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const add = async () => {
    setShown(true);
    if (Object.keys(problems).length > 0) return;
    const override: Override = {
      date,
      kind,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(kind !== 'day-off' && parsed && parsed.length > 0 ? { periods: parsed } : {}),
    };
    if (await save([...overrides, override], ct('overrides.added', { date }))) {
      setShown(false);
      setDate('');
      setName('');
      setPeriods('');
    }
  };

  const remove = async (o: Override) => {
    if (!(await Dialog.confirm({ content: ct('overrides.confirmRemove', { date: o.date }) }))) return;
    await save(
      overrides.filter((x) => x.date !== o.date),
      ct('overrides.removed', { date: o.date }),
    );
  };

  const weekday = (iso: string) =>
    formatIsoDate(iso, lang, { weekday: true })
      .split(' ')
      .at(lang === 'zh' ? -1 : 0);

  return (
    <section className="card" data-testid="overrides-editor">
      <p className="muted">{ct('overrides.hint')}</p>
      {sorted.length === 0 ? (
        <p className="muted">{ct('overrides.none')}</p>
      ) : (
        <ul className="plain-list">
          {sorted.map((o) => (
            <li key={o.date} className="override" data-testid="override" data-date={o.date}>
              <span>
                {o.date} {weekday(o.date)}
              </span>
              <Tag color={o.kind === 'day-off' ? 'warning' : 'primary'} fill="outline">
                {ct(`kind.${o.kind}`)}
              </Tag>
              <span className="override-name">
                {o.name}
                {o.periods && o.periods.length > 0 && ` ${periodsText(o.periods)}`}
              </span>
              <Button size="mini" fill="none" color="danger" disabled={saving} onClick={() => remove(o)}>
                {t('common.delete')}
              </Button>
            </li>
          ))}
        </ul>
      )}

      <div className="form" data-testid="override-form">
        <div className="field">
          <span className="field-label">{ct('overrides.date')}</span>
          <Input
            type="date"
            aria-label={ct('overrides.date')}
            value={date}
            onChange={setDate}
            className={shown && problems.date ? 'invalid' : ''}
          />
          {shown && <FieldError message={problems.date} testId="override-date-error" />}
        </div>
        <div className="field">
          <span className="field-label">{ct('overrides.kind')}</span>
          <Selector<OverrideKind>
            columns={3}
            value={[kind]}
            onChange={(v) => v[0] && setKind(v[0])}
            options={overrideKinds.map((k) => ({ label: ct(`kind.${k}`), value: k }))}
          />
        </div>
        <div className="field">
          <span className="field-label">{ct('overrides.name')}</span>
          <Input
            aria-label={ct('overrides.name')}
            placeholder={ct('overrides.namePlaceholder')}
            value={name}
            onChange={setName}
          />
          {shown && <FieldError message={problems.name} />}
        </div>
        {kind !== 'day-off' && (
          <div className="field">
            <span className="field-label">{ct('overrides.periods')}</span>
            <Input
              aria-label={ct('overrides.periods')}
              placeholder={ct('overrides.periodsPlaceholder')}
              value={periods}
              onChange={setPeriods}
            />
            {kind === 'working-day' && <span className="muted">{ct('overrides.periodsHintWorkingDay')}</span>}
            {shown && <FieldError message={problems.periods} />}
          </div>
        )}
        {serverError && <FieldError message={serverError} testId="overrides-error" />}
        <Button
          block
          color="primary"
          fill="outline"
          loading={saving}
          onClick={add}
          data-testid="add-override"
        >
          {ct('overrides.add')}
        </Button>
      </div>
    </section>
  );
}
