import { ConfigProvider, Toast } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorText, signOut } from './api.ts';
import { initialSession, type SignInOutcome, startSession } from './auth.ts';
import { type I18n, I18nContext, initialLang, type Lang, rememberLang, translate } from './i18n.ts';
import { features, useRoute } from './nav.ts';
import { ComingSoon } from './pages/ComingSoon.tsx';
import { Home } from './pages/Home.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { NotInDingTalk, SignedOut, SignInFailed, SigningIn } from './pages/SignInStatus.tsx';

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
      return feature ? <ComingSoon feature={feature} /> : <NotFound />;
    }
  }
}
