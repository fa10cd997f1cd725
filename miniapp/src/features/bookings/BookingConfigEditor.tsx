import { Button, Checkbox, Dialog, Input, Selector, Toast } from 'antd-mobile';
import { useState } from 'react';
import {
  type BookingMode,
  bookingConfigSchema,
  bookingModes,
  slotGranularities,
} from '../../../../shared/booking/booking-types.ts';
import { ApiError, errorText } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { type Translate, useI18n, useTexts } from '../../i18n.ts';
import { type BookingConfigRow, type BookingTypeRow, putBookingConfig } from './bookings-api.ts';
import { bookingTexts } from './texts.ts';

/**
 * 预约配置 (admin; others read it): the booking types (names, enabled, mode, duration, buffers,
 * qualified engineer, may span breaks, how to join) and the rules (horizon, notice, granularity,
 * reminders). Checked here with the server's own schema (shared/booking/booking-types.ts, so the
 * messages are the server's) and saved whole (PUT /api/booking-config); the server's issues show
 * under their fields, and what was typed stays.
 */
type BT = Translate<keyof typeof bookingTexts.zh>;

interface TypeDraft {
  /** React key; survives edits of the type key. */
  rowKey: string;
  isNew: boolean;
  key: string;
  nameZh: string;
  nameEn: string;
  enabled: boolean;
  mode: BookingMode;
  duration: string;
  bufferBefore: string;
  bufferAfter: string;
  needsQualifiedEngineer: boolean;
  maySpanBreaks: boolean;
  joinInfoZh: string;
}

interface Draft {
  types: TypeDraft[];
  horizonDays: string;
  noticeWorkingMinutes: string;
  granularityMinutes: number;
  reminders: string;
}

function toDraft(c: BookingConfigRow): Draft {
  return {
    types: c.types.map((t: BookingTypeRow, i) => ({
      rowKey: `t${i}-${t.key}`,
      isNew: false,
      key: t.key,
      nameZh: t.nameZh,
      nameEn: t.nameEn,
      enabled: t.enabled,
      mode: t.mode,
      duration: String(t.durationMinutes),
      bufferBefore: String(t.bufferBeforeMinutes),
      bufferAfter: String(t.bufferAfterMinutes),
      needsQualifiedEngineer: t.needsQualifiedEngineer,
      maySpanBreaks: t.maySpanBreaks,
      joinInfoZh: t.joinInfoZh ?? '',
    })),
    horizonDays: String(c.horizonDays),
    noticeWorkingMinutes: String(c.noticeWorkingMinutes),
    granularityMinutes: c.granularityMinutes,
    reminders: c.reminderMinutesBefore.join(', '),
  };
}

/** A number field as typed: empty or not a number is NaN, which the schema refuses with its message. */
const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s.trim()));

function fromDraft(d: Draft) {
  return {
    types: d.types.map((t) => ({
      key: t.key.trim(),
      nameZh: t.nameZh,
      nameEn: t.nameEn,
      enabled: t.enabled,
      mode: t.mode,
      durationMinutes: num(t.duration),
      bufferBeforeMinutes: num(t.bufferBefore),
      bufferAfterMinutes: num(t.bufferAfter),
      needsQualifiedEngineer: t.needsQualifiedEngineer,
      maySpanBreaks: t.maySpanBreaks,
      ...(t.joinInfoZh.trim() ? { joinInfoZh: t.joinInfoZh } : {}),
    })),
    horizonDays: num(d.horizonDays),
    noticeWorkingMinutes: num(d.noticeWorkingMinutes),
    granularityMinutes: d.granularityMinutes,
    reminderMinutesBefore: d.reminders
      .split(/[,，、\s]+/)
      .filter(Boolean)
      .map(num),
  };
}

/** The schema's problems by path ("types.0.durationMinutes"), first one per path. */
function problemsOf(d: Draft): Map<string, string> {
  const out = new Map<string, string>();
  const result = bookingConfigSchema.safeParse(fromDraft(d));
  if (result.success) return out;
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    if (!out.has(path)) out.set(path, issue.message);
  }
  return out;
}

/** "types[0].durationMinutes" → "types.0.durationMinutes". */
const normalisePath = (path: string) => path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');

export function BookingConfigEditor(props: {
  config: BookingConfigRow;
  editable: boolean;
  onSaved: (c: BookingConfigRow) => void;
}) {
  const { editable } = props;
  const { t } = useI18n();
  const bt = useTexts(bookingTexts);
  const [draft, setDraft] = useState<Draft>(() => toDraft(props.config));
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ byPath: Map<string, string>; message?: string }>({
    byPath: new Map(),
  });
  const [saving, setSaving] = useState(false);
  const problems = problemsOf(draft);

  /** The first problem at `path` or below it (a reminder's issue shows under the reminders field). */
  const messageFor = (path: string, exact = false) => {
    const pick = (m: Map<string, string>) => {
      if (m.has(path) || exact) return m.get(path);
      for (const [p, msg] of m) if (p.startsWith(`${path}.`)) return msg;
      return undefined;
    };
    return (shown ? pick(problems) : undefined) ?? pick(server.byPath);
  };

  const update = (change: (d: Draft) => Draft) => {
    setDraft(change);
    setServer({ byPath: new Map() });
  };
  const updateType = (i: number, change: Partial<TypeDraft>) =>
    update((d) => ({ ...d, types: d.types.map((x, j) => (j === i ? { ...x, ...change } : x)) }));

  const save = async () => {
    setShown(true);
    if (problems.size > 0) {
      Toast.show({ icon: 'fail', content: t('common.fixErrors') });
      return;
    }
    setSaving(true);
    try {
      const { config } = await putBookingConfig(fromDraft(draft));
      Toast.show({ icon: 'success', content: bt('config.saved') });
      props.onSaved(config);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      setServer({
        byPath: new Map(issues.map((i) => [normalisePath(i.path), i.message])),
        message: errorText(err, t),
      });
    } finally {
      setSaving(false);
    }
  };

  const addType = () => {
    let n = draft.types.length + 1;
    while (draft.types.some((x) => x.key === `custom${n}`)) n++;
    update((d) => ({
      ...d,
      types: [
        ...d.types,
        {
          rowKey: `new-${Date.now()}`,
          isNew: true,
          key: `custom${n}`,
          nameZh: bt('config.newType'),
          nameEn: 'New type',
          enabled: true,
          mode: 'remote',
          duration: '60',
          bufferBefore: '0',
          bufferAfter: '0',
          needsQualifiedEngineer: false,
          maySpanBreaks: false,
          joinInfoZh: '',
        },
      ],
    }));
  };

  return (
    <div data-testid="booking-config">
      <p className="muted">{editable ? bt('config.hint') : bt('admin.readOnly')}</p>
      <h2 className="section-title">{bt('config.types')}</h2>
      {draft.types.map((type, i) => (
        <TypeForm
          key={type.rowKey}
          type={type}
          index={i}
          editable={editable}
          bt={bt}
          messageFor={(field) => messageFor(`types.${i}.${field}`)}
          update={(change) => updateType(i, change)}
          remove={async () => {
            if (!(await Dialog.confirm({ content: t('common.confirmDelete') }))) return;
            update((d) => ({ ...d, types: d.types.filter((_, j) => j !== i) }));
          }}
        />
      ))}
      <FieldError message={messageFor('types', true)} />
      {editable && (
        <Button block fill="outline" onClick={addType} data-testid="add-booking-type">
          + {bt('config.addType')}
        </Button>
      )}

      <h2 className="section-title">{bt('config.rules')}</h2>
      <section className="card form" data-testid="booking-rules">
        <NumberField
          label={bt('config.horizon')}
          hint={bt('config.horizonHint')}
          value={draft.horizonDays}
          editable={editable}
          message={messageFor('horizonDays')}
          onChange={(v) => update((d) => ({ ...d, horizonDays: v }))}
        />
        <NumberField
          label={bt('config.notice')}
          hint={bt('config.noticeHint')}
          value={draft.noticeWorkingMinutes}
          editable={editable}
          message={messageFor('noticeWorkingMinutes')}
          onChange={(v) => update((d) => ({ ...d, noticeWorkingMinutes: v }))}
        />
        <div className="field">
          <span className="field-label">{bt('config.granularity')}</span>
          <Selector
            columns={3}
            disabled={!editable}
            value={[draft.granularityMinutes]}
            onChange={(v) => {
              if (v[0] !== undefined) update((d) => ({ ...d, granularityMinutes: v[0]! }));
            }}
            options={slotGranularities.map((g) => ({ label: String(g), value: g }))}
          />
          <FieldError message={messageFor('granularityMinutes')} />
        </div>
        <div className="field">
          <span className="field-label">{bt('config.reminders')}</span>
          <Input
            aria-label={bt('config.reminders')}
            readOnly={!editable}
            value={draft.reminders}
            className={messageFor('reminderMinutesBefore') ? 'invalid' : ''}
            onChange={(v) => update((d) => ({ ...d, reminders: v }))}
          />
          <span className="muted">{bt('config.remindersHint')}</span>
          <FieldError message={messageFor('reminderMinutesBefore')} />
        </div>
      </section>
      {editable && (
        <div className="form-actions">
          {server.message && <FieldError message={server.message} testId="booking-config-error" />}
          <Button block color="primary" loading={saving} onClick={save} data-testid="save-booking-config">
            {t('common.save')}
          </Button>
        </div>
      )}
    </div>
  );
}

function NumberField(props: {
  label: string;
  hint?: string;
  value: string;
  editable: boolean;
  message: string | undefined;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <span className="field-label">{props.label}</span>
      <Input
        aria-label={props.label}
        inputMode="numeric"
        readOnly={!props.editable}
        value={props.value}
        className={props.message ? 'invalid' : ''}
        onChange={(v) => props.onChange(v.trim())}
      />
      {props.hint && <span className="muted">{props.hint}</span>}
      <FieldError message={props.message} />
    </div>
  );
}

function TypeForm(props: {
  type: TypeDraft;
  index: number;
  editable: boolean;
  bt: BT;
  messageFor: (field: string) => string | undefined;
  update: (change: Partial<TypeDraft>) => void;
  remove: () => void;
}) {
  const { type, bt, editable, messageFor, update } = props;
  const text = (field: 'nameZh' | 'nameEn' | 'joinInfoZh' | 'key', label: string, readOnly = false) => (
    <div className="field">
      <span className="field-label">{label}</span>
      <Input
        aria-label={label}
        readOnly={!editable || readOnly}
        value={type[field]}
        className={messageFor(field) ? 'invalid' : ''}
        onChange={(v) => update({ [field]: v })}
      />
      <FieldError message={messageFor(field)} />
    </div>
  );
  const minutes = (field: 'duration' | 'bufferBefore' | 'bufferAfter', path: string, label: string) => (
    <NumberField
      label={label}
      value={type[field]}
      editable={editable}
      message={messageFor(path)}
      onChange={(v) => update({ [field]: v })}
    />
  );
  return (
    <section
      className="card booking-type-form"
      data-testid={`booking-type-${type.key}`}
      data-index={props.index}
    >
      <div className="card-head">
        <strong>
          {bt('config.type', { n: props.index + 1 })} · {type.nameZh || type.key}
        </strong>
        {editable && type.isNew && (
          <Button size="mini" fill="none" color="danger" onClick={props.remove}>
            {bt('config.removeType')}
          </Button>
        )}
      </div>
      <div className="form two-columns">
        {text('nameZh', bt('config.nameZh'))}
        {text('nameEn', bt('config.nameEn'))}
        {text('key', bt('config.key'), !type.isNew)}
        {minutes('duration', 'durationMinutes', bt('config.duration'))}
      </div>
      <div className="form">
        <div className="field">
          <span className="field-label">{bt('config.mode')}</span>
          <Selector
            columns={3}
            disabled={!editable}
            value={[type.mode]}
            onChange={(v) => {
              if (v[0]) update({ mode: v[0] });
            }}
            options={bookingModes.map((m) => ({ label: bt(`mode.${m}`), value: m }))}
          />
          <FieldError message={messageFor('mode')} />
        </div>
      </div>
      <div className="form two-columns">
        {minutes('bufferBefore', 'bufferBeforeMinutes', bt('config.bufferBefore'))}
        {minutes('bufferAfter', 'bufferAfterMinutes', bt('config.bufferAfter'))}
      </div>
      <p className="muted">{bt('config.bufferHint')}</p>
      <div className="form">
        <Checkbox
          disabled={!editable}
          checked={type.enabled}
          onChange={(v) => update({ enabled: v })}
          data-testid="type-enabled"
        >
          {bt('config.enabled')}
        </Checkbox>
        <Checkbox
          disabled={!editable}
          checked={type.needsQualifiedEngineer}
          onChange={(v) => update({ needsQualifiedEngineer: v })}
        >
          {bt('config.qualified')}
        </Checkbox>
        <Checkbox
          disabled={!editable}
          checked={type.maySpanBreaks}
          onChange={(v) => update({ maySpanBreaks: v })}
        >
          {bt('config.spanBreaks')}
        </Checkbox>
        {text('joinInfoZh', bt('config.joinInfo'))}
        <span className="muted">{bt('config.joinInfoHint')}</span>
      </div>
    </section>
  );
}
