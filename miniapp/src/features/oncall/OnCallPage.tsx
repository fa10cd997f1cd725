import { Button, Input, Toast } from 'antd-mobile';
import { useState } from 'react';
import { defaultOnCallBranch } from '../../../../shared/catalog.ts';
import { ApiError, errorText } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { formatDateTime } from '../../format.ts';
import { type Translate, useI18n, useTexts } from '../../i18n.ts';
import { getRoster, putRoster, type Roster, type RosterEntry } from './oncall-api.ts';
import { onCallTexts } from './texts.ts';

/**
 * 值班表 (admin): a branch's on-call people with the contacts customers are
 * given, checked field by field and saved whole (PUT /api/oncall).
 */
type Field = keyof RosterEntry;
const fields: readonly Field[] = ['name', 'userId', 'phone', 'email', 'from', 'to'];
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function problemsOf(entries: readonly RosterEntry[], ot: Translate<keyof typeof onCallTexts.zh>) {
  const out = new Map<string, string>();
  if (entries.length === 0) out.set('entries', ot('problem.none'));
  entries.forEach((e, i) => {
    const at = (f: Field) => `entries.${i}.${f}`;
    if (!e.name.trim()) out.set(at('name'), ot('problem.required'));
    else if (e.name.trim().length > 40) out.set(at('name'), ot('problem.long'));
    if (!e.userId.trim()) out.set(at('userId'), ot('problem.required'));
    if (e.phone.trim().length < 3) out.set(at('phone'), ot('problem.phone'));
    if (e.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e.email.trim()))
      out.set(at('email'), ot('problem.email'));
    if (e.from && !isoDate.test(e.from)) out.set(at('from'), ot('problem.date'));
    if (e.to && !isoDate.test(e.to)) out.set(at('to'), ot('problem.date'));
    else if (e.from && e.to && e.from > e.to) out.set(at('to'), ot('problem.dates'));
  });
  return out;
}

function clean(e: RosterEntry): RosterEntry {
  return {
    userId: e.userId.trim(),
    name: e.name.trim(),
    phone: e.phone.trim(),
    ...(e.email?.trim() ? { email: e.email.trim() } : {}),
    ...(e.from ? { from: e.from } : {}),
    ...(e.to ? { to: e.to } : {}),
  };
}

export function OnCallPage() {
  const { t } = useI18n();
  const ot = useTexts(onCallTexts);
  const [typed, setTyped] = useState(defaultOnCallBranch);
  const [branch, setBranch] = useState(defaultOnCallBranch);
  const load = useLoad(() => getRoster(branch), branch);
  return (
    <Shell title={t('feature.oncall')} back>
      <p className="muted">{ot('hint')}</p>
      <div className="branch-bar">
        <Input aria-label={ot('branch')} value={typed} onChange={setTyped} placeholder={ot('branch')} />
        <Button
          size="small"
          color="primary"
          fill="outline"
          onClick={() => {
            if (typed.trim()) setBranch(typed.trim());
          }}
        >
          {ot('load')}
        </Button>
      </div>
      <Loaded load={load}>
        {(data) => (
          <RosterEditor
            key={`${branch}#${data.roster?.version ?? 0}`}
            branch={branch}
            roster={data.roster}
            onSaved={(roster) => load.set({ roster })}
          />
        )}
      </Loaded>
    </Shell>
  );
}

function RosterEditor(props: { branch: string; roster: Roster | null; onSaved: (r: Roster) => void }) {
  const { t, lang } = useI18n();
  const ot = useTexts(onCallTexts);
  const [entries, setEntries] = useState<RosterEntry[]>(
    () => props.roster?.entries.map((e) => ({ ...e })) ?? [],
  );
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ byPath: Map<string, string>; message?: string }>({
    byPath: new Map(),
  });
  const [saving, setSaving] = useState(false);
  const problems = problemsOf(entries, ot);
  const messageFor = (path: string) => (shown ? problems.get(path) : undefined) ?? server.byPath.get(path);
  const edit = (i: number, f: Field, v: string) => {
    setEntries((es) => es.map((e, j) => (j === i ? { ...e, [f]: v } : e)));
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
      const { roster } = await putRoster(props.branch, entries.map(clean));
      Toast.show({ icon: 'success', content: ot('saved', { branch: props.branch, v: roster.version }) });
      props.onSaved(roster);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      setServer({
        byPath: new Map(issues.map((x) => [x.path.replace(/\[(\d+)\]/g, '.$1'), x.message])),
        message: errorText(err, t),
      });
    } finally {
      setSaving(false);
    }
  };

  const labels: Record<Field, string> = {
    name: ot('name'),
    userId: ot('userId'),
    phone: ot('phone'),
    email: ot('email'),
    from: ot('from'),
    to: ot('to'),
  };
  return (
    <div data-testid="roster-editor">
      {props.roster ? (
        <p className="muted">
          {ot('updated', {
            v: props.roster.version,
            by: props.roster.updatedBy ?? '—',
            time: props.roster.updatedAt ? formatDateTime(props.roster.updatedAt, lang) : '—',
          })}
        </p>
      ) : (
        <p className="muted">{ot('empty', { branch: props.branch })}</p>
      )}
      {entries.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: entries are edited in place by position
        <section className="card roster-entry" key={i} data-testid="roster-entry">
          <div className="card-head">
            <strong>{ot('person', { n: i + 1 })}</strong>
            <Button
              size="mini"
              fill="none"
              color="danger"
              onClick={() => setEntries((es) => es.filter((_, j) => j !== i))}
            >
              {ot('removePerson')}
            </Button>
          </div>
          <div className="form two-columns">
            {fields.map((f) => (
              <div className="field" key={f}>
                <span className="field-label">{labels[f]}</span>
                <Input
                  aria-label={`${labels[f]} ${i + 1}`}
                  type={f === 'from' || f === 'to' ? 'date' : f === 'phone' ? 'tel' : 'text'}
                  value={e[f] ?? ''}
                  onChange={(v) => edit(i, f, v)}
                  className={messageFor(`entries.${i}.${f}`) ? 'invalid' : ''}
                />
                <FieldError message={messageFor(`entries.${i}.${f}`)} />
              </div>
            ))}
          </div>
          <p className="muted">{ot('datesHint')}</p>
        </section>
      ))}
      {shown && <FieldError message={problems.get('entries')} />}
      <div className="form-actions">
        <Button
          block
          fill="outline"
          onClick={() => setEntries((es) => [...es, { userId: '', name: '', phone: '' }])}
        >
          + {ot('addPerson')}
        </Button>
        {server.message && <FieldError message={server.message} testId="roster-error" />}
        <Button block color="primary" loading={saving} onClick={save} data-testid="save-roster">
          {t('common.save')}
        </Button>
      </div>
    </div>
  );
}
