import { Button, Input, Selector, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { levelCatalog, type ResponseLevel } from '../../../../shared/catalog.ts';
import type { TicketStatus } from '../../../../shared/ticket/status.ts';
import {
  actionNames,
  type TransitionAction,
  transitionActions,
  transitionRule,
} from '../../../../shared/ticket/transitions.ts';
import { ApiError, errorText } from '../../api.ts';
import { FieldError, issuesByPath } from '../../components/FieldError.tsx';
import { useI18n, useTexts } from '../../i18n.ts';
import { actionTexts } from './action-texts.ts';
import {
  type Acted,
  type ActionBody,
  getActions,
  getTeams,
  postAction,
  type TeamRow,
} from './actions-api.ts';

/**
 * The actions the group-chat cards offer, on the ticket page: buttons from what the server says
 * the caller may do now (the transition table's allowedActions plus reply, level, remote and
 * on-site), an always-open reply box for staff, and a small form for actions that need a reason,
 * a target, a level, a duration or a rating. Each answer replaces the page's ticket.
 */
const isTransition = (a: string): a is TransitionAction =>
  (transitionActions as readonly string[]).includes(a);

export function TicketActions(props: {
  ticketNo: string;
  status: string;
  version: string;
  onActed: (acted: Acted) => void;
}) {
  const { lang, t } = useI18n();
  const at = useTexts(actionTexts);
  const [actions, setActions] = useState<string[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Map<string, string>>(new Map());
  const [reply, setReply] = useState('');
  const [reason, setReason] = useState('');
  const [teams, setTeams] = useState<TeamRow[]>([]);
  const [teamId, setTeamId] = useState<string | undefined>();
  const [personId, setPersonId] = useState('');
  const [level, setLevel] = useState<number | undefined>();
  const [mode, setMode] = useState<ActionBody['mode']>();
  const [minutes, setMinutes] = useState('');
  const [rating, setRating] = useState<number | undefined>();
  const [comment, setComment] = useState('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the ticket changes (version)
  useEffect(() => {
    let live = true;
    getActions(props.ticketNo).then(
      (a) => live && setActions(a),
      () => live && setActions([]),
    );
    return () => {
      live = false;
    };
  }, [props.ticketNo, props.version]);

  const needsTarget = (a: string) =>
    isTransition(a) && !!transitionRule(props.status as TicketStatus, a)?.requiresTarget;
  const needsReason = (a: string) =>
    isTransition(a) && !!transitionRule(props.status as TicketStatus, a)?.requiresReason;
  const hasForm = (a: string) =>
    needsTarget(a) || needsReason(a) || ['changeLevel', 'remoteSession', 'rate'].includes(a);

  useEffect(() => {
    if (open && needsTarget(open) && teams.length === 0) void getTeams().then(setTeams, () => {});
  });

  const nameOf = (a: string) =>
    isTransition(a) ? actionNames[a][lang] : at(`action.${a}` as Parameters<typeof at>[0]);

  async function submit(body: ActionBody, name: string) {
    setBusy(true);
    setProblems(new Map());
    try {
      const acted = await postAction(props.ticketNo, body);
      setActions(acted.actions);
      setOpen(null);
      setReason('');
      setReply('');
      props.onActed(acted);
      Toast.show({
        icon: 'success',
        content: body.action === 'reply' ? at('reply.sent') : at('done', { name }),
      });
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setProblems(issuesByPath(err.issues));
      Toast.show({ icon: 'fail', content: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  function submitForm(a: string) {
    const p = new Map<string, string>();
    const body: ActionBody = { action: a };
    if (needsReason(a)) {
      if (!reason.trim()) p.set('reason', at('text.required'));
      body.reason = reason.trim();
    }
    if (needsTarget(a)) {
      if (personId.trim()) body.target = { kind: 'person', id: personId.trim() };
      else if (teamId) body.target = { kind: 'team', id: teamId };
      else p.set('target.id', at('target.pick'));
    }
    if (a === 'changeLevel') {
      if (!level) p.set('level', at('level.pick'));
      else body.level = level;
    }
    if (a === 'remoteSession') {
      if (!mode) p.set('mode', at('remote.pickMode'));
      else body.mode = mode;
      const n = Number(minutes);
      if (!/^\d+$/.test(minutes.trim()) || n < 1 || n > 1440) p.set('minutes', at('remote.badMinutes'));
      else body.minutes = n;
    }
    if (a === 'rate') {
      if (!rating) p.set('rating', at('rate.pick'));
      else body.rating = rating;
      if (comment.trim()) body.comment = comment.trim();
    }
    setProblems(p);
    if (p.size === 0) void submit(body, nameOf(a));
  }

  if (actions === null) return null;
  const buttons = actions.filter((a) => a !== 'reply');
  return (
    <>
      <h2 className="section-title">{at('actions.title')}</h2>
      <section className="card ticket-actions" data-testid="ticket-actions">
        {actions.length === 0 && <p className="muted">{at('actions.none')}</p>}
        {actions.includes('reply') && (
          <div className="reply-box">
            <TextArea
              data-testid="reply-text"
              aria-label={at('action.reply')}
              placeholder={at('reply.placeholder')}
              value={reply}
              onChange={setReply}
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={4000}
            />
            <FieldError message={problems.get('text')} />
            <Button
              color="primary"
              size="small"
              loading={busy && open === null}
              data-testid="reply-send"
              onClick={() => {
                if (!reply.trim()) setProblems(new Map([['text', at('text.required')]]));
                else void submit({ action: 'reply', text: reply.trim() }, at('action.reply'));
              }}
            >
              {at('reply.send')}
            </Button>
          </div>
        )}
        <div className="action-buttons">
          {buttons.map((a) => (
            <Button
              key={a}
              size="small"
              data-testid={`action-${a}`}
              color={open === a ? 'primary' : 'default'}
              disabled={busy}
              onClick={() => {
                setProblems(new Map());
                if (hasForm(a)) setOpen(open === a ? null : a);
                else void submit({ action: a }, nameOf(a));
              }}
            >
              {nameOf(a)}
            </Button>
          ))}
        </div>
        {open && (
          <div className="action-form" data-testid="action-form">
            <strong>{nameOf(open)}</strong>
            {needsReason(open) && (
              <>
                <TextArea
                  data-testid="action-reason"
                  placeholder={
                    (isTransition(open) &&
                      transitionRule(props.status as TicketStatus, open)?.requiresReason?.[lang]) ||
                    at('reason.placeholder')
                  }
                  value={reason}
                  onChange={setReason}
                  autoSize={{ minRows: 2, maxRows: 6 }}
                  maxLength={2000}
                />
                <FieldError message={problems.get('reason')} />
              </>
            )}
            {needsTarget(open) && (
              <>
                <div className="muted">{at('target.team')}</div>
                <Selector
                  columns={2}
                  options={teams.map((tm) => ({ label: tm.name, value: tm.id }))}
                  value={teamId ? [teamId] : []}
                  onChange={(v) => setTeamId(v[0])}
                />
                <Input placeholder={at('target.person')} value={personId} onChange={setPersonId} clearable />
                <FieldError message={problems.get('target.id')} />
              </>
            )}
            {open === 'changeLevel' && (
              <>
                <Selector
                  columns={5}
                  options={([1, 2, 3, 4, 5] as ResponseLevel[]).map((n) => ({
                    label: lang === 'zh' ? levelCatalog[n].nameZh : levelCatalog[n].nameEn,
                    value: n,
                  }))}
                  value={level ? [level] : []}
                  onChange={(v) => setLevel(v[0])}
                />
                <FieldError message={problems.get('level')} />
              </>
            )}
            {open === 'remoteSession' && (
              <>
                <Selector
                  columns={3}
                  options={(['phone', 'video', 'remoteControl'] as const).map((m) => ({
                    label: at(`remote.${m}`),
                    value: m,
                  }))}
                  value={mode ? [mode] : []}
                  onChange={(v) => setMode(v[0])}
                />
                <FieldError message={problems.get('mode')} />
                <Input
                  placeholder={at('remote.minutes')}
                  value={minutes}
                  onChange={setMinutes}
                  inputMode="numeric"
                />
                <FieldError message={problems.get('minutes')} />
              </>
            )}
            {open === 'rate' && (
              <>
                <Selector
                  columns={5}
                  options={[1, 2, 3, 4, 5].map((n) => ({ label: `${n} ★`, value: n }))}
                  value={rating ? [rating] : []}
                  onChange={(v) => setRating(v[0])}
                />
                <FieldError message={problems.get('rating')} />
                <Input
                  placeholder={at('rate.comment')}
                  value={comment}
                  onChange={setComment}
                  maxLength={500}
                />
              </>
            )}
            <Button
              color="primary"
              block
              loading={busy}
              data-testid="action-submit"
              onClick={() => submitForm(open)}
            >
              {at('submit')}
            </Button>
          </div>
        )}
      </section>
    </>
  );
}
