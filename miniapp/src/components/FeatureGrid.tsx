import { useI18n } from '../i18n.ts';
import { type Feature, navigate } from '../nav.ts';

/** The person's screens as app-style tiles (DingTalk workbench look). */
export function FeatureGrid({ items }: { items: readonly Feature[] }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="muted">{t('home.noFeatures')}</p>;
  return (
    <nav className="feature-grid" aria-label={t('home.features')}>
      {items.map((f) => (
        <a
          key={f.id}
          href={`/app/${f.path}`}
          className="feature"
          data-feature={f.id}
          onClick={(e) => {
            e.preventDefault();
            navigate(f.path);
          }}
        >
          <span className="feature-icon" style={{ background: f.color }} aria-hidden="true">
            {t(f.label).slice(0, 1)}
          </span>
          <span className="feature-label">{t(f.label)}</span>
        </a>
      ))}
    </nav>
  );
}
