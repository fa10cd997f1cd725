import { NoticeBar, Steps, Tag } from 'antd-mobile';
import { actionNames, type TransitionAction } from '../../../../shared/ticket/transitions.ts';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { formatDateTime, formatMinutes } from '../../format.ts';
import { type Lang, type Translate, useI18n, useTexts } from '../../i18n.ts';
import { Countdown, targetName } from './Countdown.tsx';
import { TicketActions } from './TicketActions.tsx';
import { LevelTag, levelText, StatusTag, statusText } from './TicketTags.tsx';
import { ticketTexts } from './texts.ts';
import { type Clock, getTicket, type TicketDetail, type TimelineEntry } from './tickets-api.ts';

type TicketTextKey = Parameters<Translate<keyof typeof ticketTexts.zh & string>>[0];

/** One ticket: facts, its SLA clocks, the description and the full timeline (customers: without internal notes). */
export function TicketDetailPage({ ticketNo }: { ticketNo: string }) {
  const tt = useTexts(ticketTexts);
  const load = useLoad(async () => {
    const answer = await getTicket(ticketNo);
    return { ...answer, offsetMs: Date.parse(answer.now) - Date.now() };
  }, ticketNo);
  return (
    <Shell title={tt('detail.title')} back>
      <Loaded load={load}>
        {(data) => (
          <>
            <Detail data={data} offsetMs={data.offsetMs} />
            <TicketActions
              ticketNo={data.ticket.ticketNo}
              status={data.ticket.status}
              version={`${data.ticket.updatedAt}#${data.ticket.timeline.length}`}
              onActed={(acted) => load.set({ ...acted, offsetMs: Date.parse(acted.now) - Date.now() })}
            />
          </>
        )}
      </Loaded>
    </Shell>
  );
}

function Detail({ data, offsetMs }: { data: TicketDetail; offsetMs: number }) {
  const { lang } = useI18n();
  const tt = useTexts(ticketTexts);
  const t = data.ticket;
  return (
    <div className="detail" data-testid="ticket-detail">
      <section className="card">
        <div className="ticket-card-head">
          <span className="ticket-no" data-testid="ticket-no">
            {t.ticketNo}
          </span>
          <span className="ticket-tags">
            <LevelTag level={t.level} />
            <StatusTag status={t.status} />
          </span>
        </div>
        <h1 className="detail-title">{t.title}</h1>
        {t.open && t.countdown && <Countdown countdown={t.countdown} offsetMs={offsetMs} />}
      </section>

      {!t.entitled && (
        <NoticeBar
          className="detail-notice"
          color="alert"
          wrap
          content={t.entitlementNote ?? tt('detail.noSla')}
        />
      )}

      <h2 className="section-title">{tt('detail.facts')}</h2>
      <section className="card">
        <dl className="facts">
          <Fact label={tt('detail.org')} value={t.orgName} />
          <Fact label={tt('detail.contact')} value={t.contactName} />
          <Fact label={tt('detail.product')} value={t.productLine} />
          <Fact label={tt('detail.level')} value={levelText(t.level, lang)} />
          <Fact label={tt('detail.status')} value={statusText(t.status, lang)} />
          <Fact label={tt('detail.team')} value={t.teamName} />
          <Fact label={tt('detail.owner')} value={t.ownerName} />
          <Fact label={tt('detail.assignee')} value={t.assigneeName} />
          <Fact label={tt('detail.created')} value={formatDateTime(t.createdAt, lang, { weekday: true })} />
          <Fact label={tt('detail.channel')} value={channelText(t.channel, tt)} />
          {t.csat && (
            <Fact label={tt('detail.csat')} value={`${'★'.repeat(t.csat.rating)} ${t.csat.comment ?? ''}`} />
          )}
        </dl>
      </section>

      {t.sla && (
        <>
          <h2 className="section-title">{tt('detail.sla')}</h2>
          <section className="card" data-testid="sla-clocks">
            {t.sla.afterHours && <p className="muted">{tt('detail.afterHours')}</p>}
            <ul className="clock-list">
              {t.sla.clocks.map((c) => (
                <ClockLine key={c.target} clock={c} lang={lang} />
              ))}
            </ul>
          </section>
        </>
      )}

      <h2 className="section-title">{tt('detail.description')}</h2>
      <section className="card description">{t.description}</section>

      <h2 className="section-title">{tt('detail.timeline')}</h2>
      <section className="card" data-testid="timeline">
        <Steps direction="vertical" current={t.timeline.length - 1}>
          {t.timeline.map((e, i) => (
            <Steps.Step
              // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is append-only
              key={i}
              status="finish"
              title={entryTitle(e, lang, tt)}
              description={<EntryText entry={e} />}
            />
          ))}
        </Steps>
      </section>
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string | undefined }) {
  if (!value) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function ClockLine({ clock, lang }: { clock: Clock; lang: Lang }) {
  const tt = useTexts(ticketTexts);
  const stateText: Record<Clock['state'], string> = {
    onTrack: tt('due.onTrack'),
    atRisk: tt('due.atRisk'),
    breached: tt('due.breached'),
    paused: tt('due.paused', { d: formatMinutes(clock.budgetMinutes - clock.elapsedMinutes, lang) }),
    met: tt('clock.met'),
    missed: tt('clock.missed'),
  };
  const color = {
    onTrack: 'success',
    atRisk: 'warning',
    breached: 'danger',
    met: 'success',
    missed: 'danger',
  } as const;
  return (
    <li className={`clock clock-${clock.state}`} data-testid="sla-clock" data-state={clock.state}>
      <div className="clock-head">
        <strong>{targetName(clock.target, lang)}</strong>
        <Tag color={clock.state === 'paused' ? 'default' : color[clock.state]} fill="outline">
          {stateText[clock.state]}
        </Tag>
      </div>
      <div className="muted">
        {tt('clock.budget', {
          d: `${formatMinutes(clock.budgetMinutes, lang)}${clock.unit === 'working' ? (lang === 'zh' ? '（工作时间）' : ' (working time)') : ''}`,
        })}
        {clock.dueAt &&
          ` · ${tt('clock.due', { time: formatDateTime(clock.dueAt, lang, { weekday: true }) })}`}
        {clock.completedAt &&
          ` · ${tt('clock.completedAt', { time: formatDateTime(clock.completedAt, lang) })}`}
      </div>
    </li>
  );
}

function channelText(channel: string | undefined, tt: Translate<TicketTextKey>): string {
  if (!channel) return '';
  const key = `channel.${channel}` as TicketTextKey;
  return key in ticketTexts.zh ? tt(key) : channel;
}

function entryTitle(e: TimelineEntry, lang: Lang, tt: Translate<TicketTextKey>): string {
  if (e.kind === 'status' || (e.kind === 'created' && !e.action)) {
    const action = e.action && actionNames[e.action as TransitionAction]?.[lang];
    const head = e.kind === 'created' ? tt('timeline.created') : (action ?? tt('timeline.status'));
    const move = e.to ? `${e.from ? `${statusText(e.from, lang)} → ` : ''}${statusText(e.to, lang)}` : '';
    return move ? `${head}（${move}）` : head;
  }
  const key = `timeline.${e.kind}` as TicketTextKey;
  return key in ticketTexts.zh ? tt(key) : e.kind;
}

function EntryText({ entry }: { entry: TimelineEntry }) {
  const { lang } = useI18n();
  const tt = useTexts(ticketTexts);
  const who = [formatDateTime(entry.at, lang), entry.by.name, channelText(entry.channel, tt)]
    .filter(Boolean)
    .join(' · ');
  return (
    <span className="timeline-text">
      <span className="muted">{who}</span>
      {entry.target?.name && <span>{tt('timeline.to', { name: entry.target.name })}</span>}
      {entry.text && <span>{entry.text}</span>}
      {entry.reason && <span>{tt('timeline.reason', { text: entry.reason })}</span>}
    </span>
  );
}
