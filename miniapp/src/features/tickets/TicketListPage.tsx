import { Button, Empty, Tabs } from 'antd-mobile';
import { useState } from 'react';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { navigate } from '../../nav.ts';
import { Countdown } from './Countdown.tsx';
import { LevelTag, StatusTag } from './TicketTags.tsx';
import { ticketTexts } from './texts.ts';
import { getQueue, type Queue, type TicketRow } from './tickets-api.ts';

/**
 * A ticket queue: the sorting centre's triage queue, a staff member's own
 * tickets (assigned or owned) or a customer's organisation's tickets — most
 * urgent first for staff, newest first for customers.
 */
export function TicketListPage({ queue }: { queue: Queue }) {
  const tt = useTexts(ticketTexts);
  const { t } = useI18n();
  const [include, setInclude] = useState<'open' | 'all'>(queue === 'org' ? 'all' : 'open');
  const load = useLoad(async () => {
    const answer = await getQueue(queue, queue === 'triage' ? 'open' : include);
    return { ...answer, offsetMs: Date.parse(answer.now) - Date.now() };
  }, `${queue}:${include}`);
  return (
    <Shell title={tt(`title.${queue}`)} back>
      <div className="toolbar">
        {queue !== 'triage' ? (
          <Tabs
            className="toolbar-tabs"
            activeKey={include}
            onChange={(key) => setInclude(key === 'all' ? 'all' : 'open')}
          >
            <Tabs.Tab title={tt('filter.open')} key="open" />
            <Tabs.Tab title={tt('filter.all')} key="all" />
          </Tabs>
        ) : (
          <span />
        )}
        <Button size="mini" fill="none" color="primary" onClick={load.reload}>
          {t('common.refresh')}
        </Button>
      </div>
      <Loaded load={load}>
        {(data) =>
          data.tickets.length === 0 ? (
            <Empty description={tt(queue === 'triage' ? 'list.emptyTriage' : 'list.empty')} />
          ) : (
            <>
              <p className="muted list-count" data-testid="ticket-count">
                {data.truncated
                  ? tt('list.truncated', { n: data.tickets.length })
                  : tt('list.count', { n: data.tickets.length })}
              </p>
              <ul className="ticket-list" data-testid="ticket-list">
                {data.tickets.map((row) => (
                  <TicketCard key={row.ticketNo} row={row} offsetMs={data.offsetMs} staff={queue !== 'org'} />
                ))}
              </ul>
            </>
          )
        }
      </Loaded>
    </Shell>
  );
}

function TicketCard({ row, offsetMs, staff }: { row: TicketRow; offsetMs: number; staff: boolean }) {
  const { lang } = useI18n();
  const tt = useTexts(ticketTexts);
  const path = `tickets/${row.ticketNo}`;
  return (
    <li>
      <a
        className="ticket-card"
        href={`/app/${path}`}
        data-testid="ticket-row"
        data-ticket={row.ticketNo}
        data-org={row.orgId}
        onClick={(e) => {
          e.preventDefault();
          navigate(path);
        }}
      >
        <div className="ticket-card-head">
          <span className="ticket-no">{row.ticketNo}</span>
          <span className="ticket-tags">
            <LevelTag level={row.level} />
            <StatusTag status={row.status} />
          </span>
        </div>
        <div className="ticket-title">{row.title}</div>
        <div className="ticket-meta">
          {staff ? `${row.orgName} · ` : ''}
          {row.productLine} · {formatDateTime(row.createdAt, lang)}
          {staff &&
            row.open &&
            ` · ${row.assigneeName ? tt('row.assignee', { name: row.assigneeName }) : tt('row.unassigned')}`}
        </div>
        {row.open &&
          (row.countdown ? (
            <Countdown countdown={row.countdown} offsetMs={offsetMs} />
          ) : (
            !row.entitled && <div className="countdown countdown-none">{tt('row.notEntitled')}</div>
          ))}
      </a>
    </li>
  );
}
