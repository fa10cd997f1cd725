import { Button, Empty } from 'antd-mobile';
import type { Me } from '../../api.ts';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { useI18n, useTexts } from '../../i18n.ts';
import { BookingCard } from './BookingCard.tsx';
import { type BookingList, type BookingRow, getBookings } from './bookings-api.ts';
import { TimeOffSection } from './TimeOffSection.tsx';
import { bookingTexts } from './texts.ts';

/**
 * 我的预约 (engineers): the engineer's bookings from a week back to a month ahead (the server's
 * default range and clock): upcoming and started ones first, soonest first, each with customer,
 * ticket and how to join; cancel, and 登记服务记录 once a booking has started. Then their own time off.
 */
export function MyBookingsPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const bt = useTexts(bookingTexts);
  const load = useLoad(() => getBookings());
  return (
    <Shell title={t('feature.myBookings')} back>
      <p className="muted">{bt('mine.hint')}</p>
      <Loaded load={load}>
        {(data) => (
          <MyList data={data} onChanged={(row) => load.set(replaced(data, row))} onReload={load.reload} />
        )}
      </Loaded>
      <TimeOffSection
        title={bt('timeOff.mine')}
        self={{ userId: me.user.userId, name: me.user.name }}
        editable
      />
    </Shell>
  );
}

/** The list with one row replaced by the server's answer after an action. */
export function replaced(data: BookingList, row: BookingRow): BookingList {
  return { ...data, bookings: data.bookings.map((b) => (b.id === row.id ? row : b)) };
}

function MyList(props: { data: BookingList; onChanged: (row: BookingRow) => void; onReload: () => void }) {
  const { t } = useI18n();
  const bt = useTexts(bookingTexts);
  const { bookings } = props.data;
  const open = bookings.filter((b) => b.status === 'booked');
  const done = bookings.filter((b) => b.status !== 'booked').reverse();
  return (
    <div data-testid="my-bookings">
      <div className="card-head">
        <h2 className="section-title">{bt('mine.open')}</h2>
        <Button size="mini" fill="none" color="primary" onClick={props.onReload}>
          {t('common.refresh')}
        </Button>
      </div>
      {open.length === 0 ? (
        <Empty description={bt('mine.empty')} />
      ) : (
        <ul className="ticket-list" data-testid="open-bookings">
          {open.map((row) => (
            <BookingCard key={row.id} row={row} onChanged={props.onChanged} />
          ))}
        </ul>
      )}
      {done.length > 0 && (
        <>
          <h2 className="section-title">{bt('mine.done')}</h2>
          <ul className="ticket-list" data-testid="done-bookings">
            {done.map((row) => (
              <BookingCard key={row.id} row={row} onChanged={props.onChanged} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
