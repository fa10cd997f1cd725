import { Button, Dialog, Input, Tag, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { formatDateTime } from '../../format.ts';
import { type Lang, type Translate, useI18n, useTexts } from '../../i18n.ts';
import { navigate } from '../../nav.ts';
import { type BookingRow, cancelBooking, recordSession } from './bookings-api.ts';
import { bookingTexts } from './texts.ts';

/**
 * One booking as staff see it: when, what, for whom (with the ticket and how to join), its state,
 * and — when the server says the caller may — cancel (reason, then a confirmation) and 登记服务记录
 * (minutes and a note) for a booking that has started. What is typed stays on a refusal.
 */
type BT = Translate<keyof typeof bookingTexts.zh>;
/** A row of small buttons (the shared styles have stacked, full-width ones only). */
const actionRow = { display: 'flex', flexWrap: 'wrap', gap: 8, marginTop: 8 } as const;
const statusColors = { booked: 'primary', completed: 'success', cancelled: 'default' } as const;

/** "11月25日 周三 13:00–14:00" (Beijing time). */
export function bookingTime(row: { start: string; end: string }, lang: Lang): string {
  return `${formatDateTime(row.start, lang, { weekday: true })}–${formatDateTime(row.end, lang).slice(-5)}`;
}

export function BookingCard(props: {
  row: BookingRow;
  /** Show the engineer (lists of several engineers). */
  showEngineer?: boolean;
  /** Offer cancel / record when the server allows it (the admin screen is read-only for others). */
  actions?: boolean;
  onChanged: (row: BookingRow) => void;
}) {
  const { row, actions = true } = props;
  const { lang } = useI18n();
  const bt = useTexts(bookingTexts);
  const [open, setOpen] = useState<'none' | 'cancel' | 'session'>('none');
  const typeName = lang === 'zh' ? row.type.nameZh : row.type.nameEn;
  return (
    <li className="card" data-testid="booking" data-booking={row.id} data-status={row.status}>
      <div className="card-head">
        <strong data-testid="booking-time">{bookingTime(row, lang)}</strong>
        <Tag color={statusColors[row.status]} fill="outline" data-testid="booking-status">
          {bt(`status.${row.status}`)}
        </Tag>
      </div>
      <div className="ticket-title">
        {typeName} <span className="muted">· {bt(`mode.${row.type.mode}`)}</span>{' '}
        <span className="ticket-no">{row.id}</span>
      </div>
      <dl className="facts">
        <dt>{bt('customer')}</dt>
        <dd>
          {row.org.name} · {row.contact.name}
          {row.contact.phone && (
            <>
              {' · '}
              <a href={`tel:${row.contact.phone}`}>{row.contact.phone}</a>
            </>
          )}
        </dd>
        {props.showEngineer && (
          <>
            <dt>{bt('engineer')}</dt>
            <dd>{row.engineer.name}</dd>
          </>
        )}
        {row.ticketNo && (
          <>
            <dt>{bt('ticket')}</dt>
            <dd>
              <a
                href={`/app/tickets/${row.ticketNo}`}
                data-testid="booking-ticket"
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`tickets/${row.ticketNo}`);
                }}
              >
                {row.ticketNo}
              </a>
            </dd>
          </>
        )}
        {row.status === 'booked' && (
          <>
            <dt>{bt('join')}</dt>
            <dd data-testid="booking-join">{row.joinInfo}</dd>
          </>
        )}
        {row.note && (
          <>
            <dt>{bt('note')}</dt>
            <dd>{row.note}</dd>
          </>
        )}
        {row.session && (
          <>
            <dt>{bt('session')}</dt>
            <dd data-testid="booking-session">
              {bt('sessionText', { minutes: row.session.minutes })}
              {row.session.note ? `：${row.session.note}` : ''}
            </dd>
          </>
        )}
      </dl>
      {actions && row.canRecordSession && open === 'none' && <p className="muted">{bt('started')}</p>}
      {actions && (row.canCancel || row.canRecordSession) && open === 'none' && (
        <div style={actionRow}>
          {row.canRecordSession && (
            <Button
              size="small"
              color="primary"
              onClick={() => setOpen('session')}
              data-testid="record-session"
            >
              {bt('record')}
            </Button>
          )}
          {row.canCancel && (
            <Button
              size="small"
              color="danger"
              fill="outline"
              onClick={() => setOpen('cancel')}
              data-testid="cancel-booking"
            >
              {bt('cancel')}
            </Button>
          )}
        </div>
      )}
      {open === 'cancel' && (
        <CancelForm
          row={row}
          typeName={typeName}
          bt={bt}
          onDone={props.onChanged}
          onClose={() => setOpen('none')}
        />
      )}
      {open === 'session' && (
        <SessionForm row={row} bt={bt} onDone={props.onChanged} onClose={() => setOpen('none')} />
      )}
    </li>
  );
}

function CancelForm(props: {
  row: BookingRow;
  typeName: string;
  bt: BT;
  onDone: (row: BookingRow) => void;
  onClose: () => void;
}) {
  const { row, bt } = props;
  const { t, lang } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const tooLong = reason.trim().length > 200 ? bt('problem.long', { n: 200 }) : undefined;
  const submit = async () => {
    if (tooLong) return;
    const ok = await Dialog.confirm({
      content: bt('cancelConfirm', { type: props.typeName, time: bookingTime(row, lang) }),
      confirmText: bt('cancelDo'),
      cancelText: bt('keep'),
    });
    if (!ok) return;
    setBusy(true);
    try {
      const { booking } = await cancelBooking(row.id, reason.trim() || undefined);
      Toast.show({ icon: 'success', content: bt('cancelled') });
      props.onDone(booking);
      props.onClose();
    } catch (err) {
      setError(fieldOrWhole(err, 'reason', t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="form" data-testid="cancel-form">
      <div className="field">
        <span className="field-label">{bt('cancelReason')}</span>
        <TextArea
          data-testid="cancel-reason"
          aria-label={bt('cancelReason')}
          value={reason}
          onChange={(v) => {
            setReason(v);
            setError(undefined);
          }}
          rows={2}
          maxLength={200}
          showCount
        />
        <FieldError message={tooLong ?? error} />
      </div>
      <div style={actionRow}>
        <Button size="small" color="danger" loading={busy} onClick={submit} data-testid="confirm-cancel">
          {bt('cancelDo')}
        </Button>
        <Button size="small" fill="none" onClick={props.onClose}>
          {bt('keep')}
        </Button>
      </div>
    </div>
  );
}

function SessionForm(props: {
  row: BookingRow;
  bt: BT;
  onDone: (row: BookingRow) => void;
  onClose: () => void;
}) {
  const { row, bt } = props;
  const { t } = useI18n();
  const [minutes, setMinutes] = useState('');
  const [note, setNote] = useState('');
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ path?: string; message?: string }>({});
  const [busy, setBusy] = useState(false);
  const minutesProblem =
    /^\d+$/.test(minutes.trim()) && +minutes >= 1 && +minutes <= 1440 ? undefined : bt('problem.minutes');
  const noteProblem = note.trim().length > 500 ? bt('problem.long', { n: 500 }) : undefined;
  const submit = async () => {
    setShown(true);
    if (minutesProblem || noteProblem) return;
    setBusy(true);
    try {
      const { booking } = await recordSession(row.id, Number(minutes), note.trim() || undefined);
      Toast.show({ icon: 'success', content: bt('recorded') });
      props.onDone(booking);
      props.onClose();
    } catch (err) {
      const issue = err instanceof ApiError ? err.issues[0] : undefined;
      setServer(issue ? { path: issue.path, message: issue.message } : { message: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  };
  const serverFor = (path: string) => (server.path === path ? server.message : undefined);
  return (
    <div className="form" data-testid="session-form">
      <div className="field">
        <span className="field-label">{bt('minutes')}</span>
        <Input
          aria-label={bt('minutes')}
          inputMode="numeric"
          value={minutes}
          className={shown && minutesProblem ? 'invalid' : ''}
          onChange={(v) => {
            setMinutes(v.trim());
            setServer({});
          }}
        />
        <FieldError message={(shown ? minutesProblem : undefined) ?? serverFor('minutes')} />
      </div>
      <div className="field">
        <span className="field-label">{bt('sessionNote')}</span>
        <TextArea
          data-testid="session-note"
          aria-label={bt('sessionNote')}
          value={note}
          onChange={(v) => {
            setNote(v);
            setServer({});
          }}
          rows={2}
          maxLength={500}
        />
        <FieldError message={(shown ? noteProblem : undefined) ?? serverFor('note')} />
      </div>
      {server.message && server.path !== 'minutes' && server.path !== 'note' && (
        <FieldError message={server.message} testId="session-error" />
      )}
      <div style={actionRow}>
        <Button size="small" color="primary" loading={busy} onClick={submit} data-testid="save-session">
          {bt('recordDo')}
        </Button>
        <Button size="small" fill="none" onClick={props.onClose}>
          {t('common.cancel')}
        </Button>
      </div>
    </div>
  );
}

/** A refusal's message for one field, or the whole localised text. */
function fieldOrWhole(err: unknown, path: string, t: Parameters<typeof errorText>[1]): string {
  const issue = err instanceof ApiError ? err.issues.find((i) => i.path === path) : undefined;
  return issue?.message ?? errorText(err, t);
}
