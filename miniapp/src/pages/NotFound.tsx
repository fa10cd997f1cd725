import { Result } from 'antd-mobile';
import { Shell } from '../components/Shell.tsx';
import { useI18n } from '../i18n.ts';

export function NotFound() {
  const { t } = useI18n();
  return (
    <Shell back>
      <Result status="warning" title={t('notFound.title')} />
    </Shell>
  );
}
