import { Empty, Selector, Tag } from 'antd-mobile';
import { useState } from 'react';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { type AuditEntry, getAudit } from './audit-api.ts';
import { auditTexts } from './texts.ts';

/**
 * 变更记录 (admin): every audited configuration change, newest first, with
 * what changed — added and removed items of lists keyed by date, year or
 * person, and the full before/after on demand.
 */
const subjects = [
  { value: '', label: 'all' },
  { value: 'calendar', label: 'calendar' },
  { value: 'sla-policies', label: 'sla' },
  { value: 'oncall:', label: 'oncall' },
] as const;

export function AuditPage() {
  const { t } = useI18n();
  const at = useTexts(auditTexts);
  const [subject, setSubject] = useState('');
  const load = useLoad(() => getAudit(subject), subject);
  return (
    <Shell title={t('feature.audit')} back>
      <p className="muted">{at('hint')}</p>
      <Selector
        columns={4}
        value={[subject]}
        onChange={(v) => setSubject(v[0] ?? '')}
        options={subjects.map((s) => ({ value: s.value, label: at(s.label) }))}
      />
      <Loaded load={load}>
        {(data) =>
          data.entries.length === 0 ? (
            <Empty description={at('empty')} />
          ) : (
            <ul className="audit-list" data-testid="audit-list">
              {data.entries.map((e) => (
                <AuditItem key={e._id} entry={e} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </Shell>
  );
}

function AuditItem({ entry }: { entry: AuditEntry }) {
  const { lang } = useI18n();
  const at = useTexts(auditTexts);
  const [kind, branch] = entry.subject.split(':');
  const key = `action.${kind}.${entry.action}` as keyof typeof auditTexts.zh;
  const title =
    key in auditTexts.zh ? at(key, { branch: branch ?? '' }) : `${entry.subject} · ${entry.action}`;
  const kindText = (kind: string) => {
    const k = `kind.${kind}` as keyof typeof auditTexts.zh;
    return k in auditTexts.zh ? at(k) : kind;
  };
  const changes = listChanges(entry.before, entry.after, kindText);
  return (
    <li
      className="card audit-entry"
      data-testid="audit-entry"
      data-subject={entry.subject}
      data-action={entry.action}
    >
      <div className="card-head">
        <strong>{title}</strong>
        <span className="muted">
          {at('by', { by: entry.by, time: formatDateTime(entry.at, lang, { year: true }) })}
        </span>
      </div>
      {changes && (
        <ul className="change-list">
          {changes.map((c) => (
            <li key={`${c.kind}:${c.key}`}>
              <Tag
                color={c.kind === 'added' ? 'success' : c.kind === 'removed' ? 'danger' : 'primary'}
                fill="outline"
              >
                {at(c.kind)}
              </Tag>{' '}
              {c.text}
            </li>
          ))}
        </ul>
      )}
      <details className="format">
        <summary>{at('details')}</summary>
        <div className="before-after">
          <div>
            <div className="muted">{at('before')}</div>
            <pre>{JSON.stringify(entry.before, null, 1)}</pre>
          </div>
          <div>
            <div className="muted">{at('after')}</div>
            <pre>{JSON.stringify(entry.after, null, 1)}</pre>
          </div>
        </div>
      </details>
    </li>
  );
}

interface Change {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  text: string;
}

/** Differences of two lists whose items are keyed (date, year, userId, id); undefined for anything else. */
function listChanges(
  before: unknown,
  after: unknown,
  kindText: (kind: string) => string,
): Change[] | undefined {
  const b = Array.isArray(before) ? before : before === null ? [] : undefined;
  const a = Array.isArray(after) ? after : undefined;
  if (!b || !a) return undefined;
  const keyOf = (x: unknown): string | undefined => {
    if (typeof x !== 'object' || x === null) return undefined;
    const o = x as Record<string, unknown>;
    const k = o.date ?? o.year ?? o.userId ?? o.id;
    return k === undefined ? undefined : String(k);
  };
  const describe = (x: unknown) => {
    const o = x as Record<string, unknown>;
    return [keyOf(x), typeof o.kind === 'string' ? kindText(o.kind) : undefined, o.name, o.source, o.phone]
      .filter((v) => typeof v === 'string' || typeof v === 'number')
      .join(' ');
  };
  const before_ = new Map(b.map((x) => [keyOf(x), x] as const));
  const after_ = new Map(a.map((x) => [keyOf(x), x] as const));
  if (before_.has(undefined) || after_.has(undefined)) return undefined;
  const out: Change[] = [];
  for (const [k, x] of after_) {
    if (!before_.has(k)) out.push({ kind: 'added', key: k!, text: describe(x) });
    else if (JSON.stringify(before_.get(k)) !== JSON.stringify(x))
      out.push({ kind: 'changed', key: k!, text: describe(x) });
  }
  for (const [k, x] of before_) if (!after_.has(k)) out.push({ kind: 'removed', key: k!, text: describe(x) });
  return out;
}
