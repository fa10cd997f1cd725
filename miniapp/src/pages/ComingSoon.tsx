import { Result } from 'antd-mobile';
import { Shell } from '../components/Shell.tsx';
import { useI18n } from '../i18n.ts';
import type { Feature } from '../nav.ts';

/** A screen that later work fills in. */
export function ComingSoon({ feature }: { feature: Feature }) {
  const { t } = useI18n();
  const name = t(feature.label);
  return (
    <Shell title={name} back>
      <Result status="waiting" title={t('soon.title')} description={t('soon.body', { name })} />
    </Shell>
  );
}
