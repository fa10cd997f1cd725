import { ConfigProvider, DotLoading, Toast } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { Me } from './api.ts';
import { errorText, signOut } from './api.ts';
import { initialSession, type SignInOutcome, startSession } from './auth.ts';
import { AuditPage } from './features/audit/AuditPage.tsx';
import { BookingAdminPage } from './features/bookings/BookingAdminPage.tsx';
import { MyBookingsPage } from './features/bookings/MyBookingsPage.tsx';
import { CalendarPage } from './features/calendar/CalendarPage.tsx';
import { CustomersPage } from './features/directory/CustomersPage.tsx';
import { NewTicketPage } from './features/newticket/NewTicketPage.tsx';
import { OnCallPage } from './features/oncall/OnCallPage.tsx';
import { SlaPoliciesPage } from './features/sla/SlaPoliciesPage.tsx';
import { TeamsPage } from './features/teams/TeamsPage.tsx';
import { TicketDetailPage } from './features/tickets/TicketDetailPage.tsx';
import { TicketListPage } from './features/tickets/TicketListPage.tsx';
import { type I18n, I18nContext, initialLang, type Lang, rememberLang, translate } from './i18n.ts';
import { type Feature, features, ticketNoOf, useRoute } from './nav.ts';
import { ComingSoon } from './pages/ComingSoon.tsx';
import { Home } from './pages/Home.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { NotInDingTalk, SignedOut, SignInFailed, SigningIn } from './pages/SignInStatus.tsx';

// ECharts is large: the report screen and its charts load when opened.
const ReportsPage = lazy(() =>
  import('./features/reports/ReportsPage.tsx').then((m) => ({ default: m.ReportsPage })),
);

type State = { kind: 'starting' } | { kind: 'signedOut' } | SignInOutcome;

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo<I18n>(
    () => ({
      lang,
      setLang: (next) => {
        rememberLang(next);
        setLangState(next);
      },
      t: (key, vars) => translate(lang, key, vars),
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = i18n.t('app.title');
  }, [lang, i18n]);

  const [state, setState] = useState<State>({ kind: 'starting' });
  useEffect(() => {
    void initialSession().then(setState);
  }, []);
  const retry = useCallback(() => {
    setState({ kind: 'starting' });
    void startSession().then(setState);
  }, []);

  const onSignOut = useCallback(async () => {
    try {
      await signOut();
      setState({ kind: 'signedOut' });
    } catch (err) {
      Toast.show({ icon: 'fail', content: errorText(err, i18n.t) });
    }
  }, [i18n]);

  return (
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS}>
        <Screen state={state} onRetry={retry} onSignOut={onSignOut} />
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

function Screen(props: { state: State; onRetry: () => void; onSignOut: () => void }) {
  const route = useRoute();
  const { state } = props;
  switch (state.kind) {
    case 'starting':
      return <SigningIn />;
    case 'notInDingTalk':
      return <NotInDingTalk />;
    case 'failed':
      return <SignInFailed error={state.error} onRetry={props.onRetry} />;
    case 'signedOut':
      return <SignedOut />;
    case 'signedIn': {
      if (route === '') return <Home me={state.me} onSignOut={props.onSignOut} />;
      const feature = features.find((f) => f.path === route);
      if (feature) return <FeatureScreen feature={feature} me={state.me} />;
      const ticketNo = ticketNoOf(route);
      return ticketNo ? <TicketDetailPage ticketNo={ticketNo} /> : <NotFound />;
    }
  }
}

/** A feature's screen; the server decides what each role may read or change. */
function FeatureScreen({ feature, me }: { feature: Feature; me: Me }) {
  switch (feature.id) {
    case 'calendar':
      return <CalendarPage />;
    case 'sla':
      return <SlaPoliciesPage />;
    case 'oncall':
      return <OnCallPage />;
    case 'teams':
      return <TeamsPage />;
    case 'customers':
      return <CustomersPage />;
    case 'audit':
      return <AuditPage />;
    case 'triage':
      return <TicketListPage queue="triage" />;
    case 'myTickets':
      return <TicketListPage queue={me.user.kind === 'customer' ? 'org' : 'mine'} />;
    case 'reports':
      return (
        <Suspense
          fallback={
            <div className="center" role="status">
              <DotLoading />
            </div>
          }
        >
          <ReportsPage />
        </Suspense>
      );
    case 'newTicket':
      return <NewTicketPage />;
    case 'suggestions':
      return <ComingSoon feature={feature} />;
    case 'myBookings':
      return <MyBookingsPage me={me} />;
    case 'bookingAdmin':
      return <BookingAdminPage me={me} />;
  }
}
