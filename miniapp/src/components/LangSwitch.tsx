import { useI18n } from '../i18n.ts';

/** 中文 ⇄ English; remembered on the device. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="lang-switch"
      lang={lang === 'zh' ? 'en' : 'zh-CN'}
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {t('app.lang')}
    </button>
  );
}
