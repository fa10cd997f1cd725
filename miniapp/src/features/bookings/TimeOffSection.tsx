import { Button, Dialog, Empty, Input, Selector, Toast } from 'antd-mobile';
import { useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { FieldError, issuesByPath } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { addTimeOff, type Engineer, getTimeOff, removeTimeOff } from './bookings-api.ts';
import { bookingTexts } from './texts.ts';

/**
 * Engineers' time off (leave, training, other duties) for the next three months: no slots of an
 * engineer are offered in it. `self` set: one engineer's own (我的预约); otherwise everyone's, with
 * an engineer picker for the form (预约管理). `editable`: add and remove (the server checks again).
 */
type Field = 'engineerId' | 'from' | 'to' | 'reason';

export function TimeOffSection(props: {
  engineers?: Engineer[];
  self?: { userId: string; name: string };
  editable: boolean;
  title: string;
}) {
  const bt = useTexts(bookingTexts);
  const { t, lang } = useI18n();
  const load = useLoad(() => getTimeOff(props.self?.userId));
  return (
    <section className="card" data-testid="time-off">
      <h2 className="sub-title">{props.title}</h2>
      <p className="muted">{bt('timeOff.hint')}</p>
      <Loaded load={load}>
        {(data) =>
          data.timeOff.length === 0 ? (
            <Empty description={bt('timeOff.empty')} />
          ) : (
            <ul className="plain-list" data-testid="time-off-list">
              {data.timeOff.map((x) => (
                <li key={x.id} data-testid="time-off-entry" data-engineer={x.engineerId}>
                  <span>
                    {!props.self && <strong>{x.engineerName} </strong>}
                    {formatDateTime(x.from, lang, { weekday: true })} –{' '}
                    {formatDateTime(x.to, lang, { weekday: true })}
                  </span>
                  {x.reason && <span>{x.reason}</span>}
                  <span className="muted">{bt('timeOff.by', { by: x.createdBy })}</span>
                  {props.editable && x.canRemove && (
                    <Button
                      size="mini"
                      fill="none"
                      color="danger"
                      onClick={async () => {
                        if (
                          !(await Dialog.confirm({
                            content: bt('timeOff.removeConfirm', { name: x.engineerName }),
                          }))
                        )
                          return;
                        try {
                          await removeTimeOff(x.id);
                          Toast.show({ icon: 'success', content: bt('timeOff.removed') });
                          load.reload();
                        } catch (err) {
                          Toast.show({ icon: 'fail', content: errorText(err, t) });
                        }
                      }}
                    >
                      {bt('timeOff.remove')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {props.editable && (
        <TimeOffForm engineers={props.engineers ?? []} self={props.self} onAdded={load.reload} />
      )}
    </section>
  );
}

function TimeOffForm(props: {
  engineers: Engineer[];
  self?: { userId: string; name: string } | undefined;
  onAdded: () => void;
}) {
  const { t } = useI18n();
  const bt = useTexts(bookingTexts);
  const [engineerId, setEngineerId] = useState(props.self?.userId ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ byPath: Map<string, string>; message?: string }>({
    byPath: new Map(),
  });
  const [busy, setBusy] = useState(false);

  const problems = new Map<Field, string>();
  if (!engineerId) problems.set('engineerId', bt('problem.required'));
  if (!from) problems.set('from', bt('problem.required'));
  if (!to) problems.set('to', bt('problem.required'));
  else if (from && to <= from) problems.set('to', bt('problem.order'));
  if (reason.trim().length > 200) problems.set('reason', bt('problem.long', { n: 200 }));
  const messageFor = (f: Field) => (shown ? problems.get(f) : undefined) ?? server.byPath.get(f);
  const changed = () => setServer({ byPath: new Map() });

  const save = async () => {
    setShown(true);
    if (problems.size > 0) {
      Toast.show({ icon: 'fail', content: t('common.fixErrors') });
      return;
    }
    setBusy(true);
    try {
      // datetime-local gives Beijing wall-clock time (the desk's zone), whatever the device's
      await addTimeOff({
        engineerId,
        from: `${from}:00+08:00`,
        to: `${to}:00+08:00`,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      Toast.show({ icon: 'success', content: bt('timeOff.saved') });
      setFrom('');
      setTo('');
      setReason('');
      setShown(false);
      props.onAdded();
    } catch (err) {
      setServer({
        byPath: issuesByPath(err instanceof ApiError ? err.issues : []),
        message: errorText(err, t),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="form" data-testid="time-off-form">
      <h3 className="sub-title">{bt('timeOff.add')}</h3>
      {!props.self && (
        <div className="field">
          <span className="field-label">{bt('timeOff.engineer')}</span>
          <Selector
            columns={3}
            value={engineerId ? [engineerId] : []}
            onChange={(v) => {
              setEngineerId(v[0] ?? '');
              changed();
            }}
            options={props.engineers.map((e) => ({ label: e.name, value: e.userId }))}
          />
          <FieldError message={messageFor('engineerId')} />
        </div>
      )}
      <div className="form">
        <div className="field">
          <span className="field-label">{bt('timeOff.from')}</span>
          <Input
            type="datetime-local"
            aria-label={bt('timeOff.from')}
            value={from}
            onChange={(v) => {
              setFrom(v);
              changed();
            }}
          />
          <FieldError message={messageFor('from')} />
        </div>
        <div className="field">
          <span className="field-label">{bt('timeOff.to')}</span>
          <Input
            type="datetime-local"
            aria-label={bt('timeOff.to')}
            value={to}
            onChange={(v) => {
              setTo(v);
              changed();
            }}
          />
          <FieldError message={messageFor('to')} />
        </div>
      </div>
      <div className="field">
        <span className="field-label">{bt('timeOff.reason')}</span>
        <Input
          aria-label={bt('timeOff.reason')}
          value={reason}
          onChange={(v) => {
            setReason(v);
            changed();
          }}
        />
        <FieldError message={messageFor('reason')} />
      </div>
      {server.message && <FieldError message={server.message} testId="time-off-error" />}
      <Button block color="primary" fill="outline" loading={busy} onClick={save} data-testid="save-time-off">
        {bt('timeOff.save')}
      </Button>
    </div>
  );
}
