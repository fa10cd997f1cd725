import { Button, Dialog } from 'antd-mobile';
import type { Me } from '../api.ts';
import { FeatureGrid } from '../components/FeatureGrid.tsx';
import { ProfileCard } from '../components/ProfileCard.tsx';
import { Shell } from '../components/Shell.tsx';
import { useI18n } from '../i18n.ts';
import { featuresFor } from '../nav.ts';

/** The landing page: who is signed in, and the screens for their roles. */
export function Home({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { t, lang } = useI18n();
  const until = new Date(me.session.absoluteExpiresAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (
    <Shell>
      <ProfileCard me={me} />
      <h2 className="section-title">{t('home.features')}</h2>
      <FeatureGrid items={featuresFor(me.user.roles)} />
      <p className="muted session-note">{t('home.sessionUntil', { time: until })}</p>
      <div className="sign-out">
        <Button
          block
          fill="outline"
          onClick={async () => {
            if (await Dialog.confirm({ content: t('home.signOutConfirm') })) onSignOut();
          }}
        >
          {t('home.signOut')}
        </Button>
      </div>
    </Shell>
  );
}
