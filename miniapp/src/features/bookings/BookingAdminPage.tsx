import { Button, Empty, Input, NoticeBar, Selector, Tabs } from 'antd-mobile';
import { useState } from 'react';
import type { Me } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { shanghaiDate } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { BookingCard } from './BookingCard.tsx';
import { BookingConfigEditor } from './BookingConfigEditor.tsx';
import {
  type BookingFilter,
  type BookingStatus,
  bookingStatuses,
  type Engineer,
  getBookingConfig,
  getBookings,
  getEngineers,
} from './bookings-api.ts';
import { replaced } from './MyBookingsPage.tsx';
import { TimeOffSection } from './TimeOffSection.tsx';
import { bookingTexts } from './texts.ts';

/**
 * 预约管理 (admins; team leads and dispatchers read): every booking in a date range, by engineer
 * and status; engineers' time off; the booking configuration. Only the admin changes anything
 * here (cancel, time off, settings); the server decides again on every request.
 */
export function BookingAdminPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const bt = useTexts(bookingTexts);
  const isAdmin = me.user.roles.includes('admin');
  const [tab, setTab] = useState('bookings');
  const engineers = useLoad(getEngineers);
  return (
    <Shell title={t('feature.bookingAdmin')} back>
      <Tabs activeKey={tab} onChange={setTab}>
        <Tabs.Tab title={bt('admin.tab.bookings')} key="bookings" />
        <Tabs.Tab title={bt('admin.tab.timeOff')} key="timeOff" />
        <Tabs.Tab title={bt('admin.tab.config')} key="config" />
      </Tabs>
      <div style={{ marginTop: 10 }}>
        <Loaded load={engineers}>
          {({ engineers: list }) => (
            <>
              {tab === 'bookings' && <AllBookings engineers={list} isAdmin={isAdmin} />}
              {tab === 'timeOff' && (
                <TimeOffSection title={bt('timeOff.title')} engineers={list} editable={isAdmin} />
              )}
              {tab === 'config' && <ConfigTab editable={isAdmin} />}
            </>
          )}
        </Loaded>
      </div>
    </Shell>
  );
}

function ConfigTab({ editable }: { editable: boolean }) {
  const load = useLoad(getBookingConfig);
  return (
    <Loaded load={load}>
      {(data) => (
        <BookingConfigEditor
          key={JSON.stringify(data.config)}
          config={data.config}
          editable={editable}
          onSaved={(config) => load.set({ config })}
        />
      )}
    </Loaded>
  );
}

const inclusiveEnd = (iso: string) => shanghaiDate(new Date(Date.parse(iso) - 1));

function AllBookings({ engineers, isAdmin }: { engineers: Engineer[]; isAdmin: boolean }) {
  const bt = useTexts(bookingTexts);
  const [filter, setFilter] = useState<BookingFilter>({});
  const [typed, setTyped] = useState<{ from: string; to: string }>();
  const [shown, setShown] = useState(false);
  const load = useLoad(async () => {
    const answer = await getBookings(filter);
    // the server's range (its clock) fills the date fields the first time
    setTyped((x) => x ?? { from: shanghaiDate(new Date(answer.from)), to: inclusiveEnd(answer.to) });
    return answer;
  }, JSON.stringify(filter));
  const bad = typed?.from && typed.to && typed.from > typed.to ? bt('problem.range') : undefined;
  const apply = (change: Partial<BookingFilter>) => setFilter((f) => withoutEmpty({ ...f, ...change }));
  return (
    <div data-testid="all-bookings">
      <div className="range-bar">
        <div className="field">
          <span className="field-label">{bt('filter.from')}</span>
          <Input
            type="date"
            aria-label={bt('filter.from')}
            value={typed?.from ?? ''}
            onChange={(v) => setTyped((x) => ({ from: v, to: x?.to ?? '' }))}
          />
        </div>
        <div className="field">
          <span className="field-label">{bt('filter.to')}</span>
          <Input
            type="date"
            aria-label={bt('filter.to')}
            value={typed?.to ?? ''}
            onChange={(v) => setTyped((x) => ({ to: v, from: x?.from ?? '' }))}
          />
        </div>
        <Button
          size="small"
          color="primary"
          onClick={() => {
            setShown(true);
            if (!bad && typed) apply({ from: typed.from, to: typed.to });
          }}
        >
          {bt('filter.apply')}
        </Button>
      </div>
      {shown && <FieldError message={bad} />}
      <div className="field">
        <span className="field-label">{bt('filter.engineer')}</span>
        <Selector
          columns={3}
          value={[filter.engineerId ?? '']}
          onChange={(v) => apply({ engineerId: v[0] ?? '' })}
          options={[
            { label: bt('filter.all'), value: '' },
            ...engineers.map((e) => ({ label: e.name, value: e.userId })),
          ]}
        />
      </div>
      <div className="field">
        <span className="field-label">{bt('filter.status')}</span>
        <Selector
          columns={4}
          value={[filter.status ?? '']}
          onChange={(v) => apply({ status: (v[0] ?? '') as BookingStatus })}
          options={[
            { label: bt('filter.all'), value: '' },
            ...bookingStatuses.map((s) => ({ label: bt(`status.${s}`), value: s })),
          ]}
        />
      </div>
      <Loaded load={load}>
        {(data) =>
          data.bookings.length === 0 ? (
            <Empty description={bt('mine.empty')} />
          ) : (
            <>
              {data.truncated && (
                <NoticeBar color="alert" wrap content={bt('truncated', { n: data.bookings.length })} />
              )}
              <p className="muted list-count" data-testid="booking-count">
                {bt('count', { n: data.bookings.length })}
              </p>
              <ul className="ticket-list" data-testid="booking-list">
                {data.bookings.map((row) => (
                  <BookingCard
                    key={row.id}
                    row={row}
                    showEngineer
                    actions={isAdmin}
                    onChanged={(next) => load.set(replaced(data, next))}
                  />
                ))}
              </ul>
            </>
          )
        }
      </Loaded>
    </div>
  );
}

/** A filter without empty values (empty = all). */
function withoutEmpty(f: BookingFilter): BookingFilter {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as BookingFilter;
}
