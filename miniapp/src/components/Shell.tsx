import { NavBar, SafeArea } from 'antd-mobile';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { navigate } from '../nav.ts';
import { LangSwitch } from './LangSwitch.tsx';

/** Every screen: a title bar (back to home on inner pages, the language switch) and the content. */
export function Shell(props: { title?: string; back?: boolean; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="shell">
      <SafeArea position="top" />
      <NavBar
        className="shell-bar"
        backIcon={props.back ? undefined : false}
        back={props.back ? t('nav.home') : null}
        onBack={() => navigate('')}
        right={<LangSwitch />}
      >
        {props.title ?? t('app.title')}
      </NavBar>
      <main className="shell-content">{props.children}</main>
      <SafeArea position="bottom" />
    </div>
  );
}
