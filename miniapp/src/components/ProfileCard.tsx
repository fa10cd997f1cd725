import { Tag } from 'antd-mobile';
import type { Me } from '../api.ts';
import { useI18n } from '../i18n.ts';

/** Who is signed in: name, roles, organisation (customers) or teams (staff). */
export function ProfileCard({ me }: { me: Me }) {
  const { t } = useI18n();
  const { user } = me;
  return (
    <section className="profile" aria-label={t('home.roles')}>
      <div className="profile-head">
        <div className="avatar" aria-hidden="true">
          {user.name.slice(-2)}
        </div>
        <div>
          <h1 className="profile-name" data-testid="user-name">
            {t('home.hello', { name: user.name })}
          </h1>
          <div className="profile-roles" data-testid="user-roles">
            {user.roles.map((r) => (
              <Tag key={r} color={r === 'customer' ? 'success' : 'primary'} fill="outline">
                {t(`role.${r}`)}
              </Tag>
            ))}
          </div>
        </div>
      </div>
      <dl className="profile-facts">
        {user.organisation && (
          <>
            <dt>{t('home.organisation')}</dt>
            <dd data-testid="user-organisation">{user.organisation.name}</dd>
          </>
        )}
        {user.teams && user.teams.length > 0 && (
          <>
            <dt>{t('home.teams')}</dt>
            <dd data-testid="user-teams">{user.teams.map((team) => team.name).join('、')}</dd>
          </>
        )}
        <dt>{t('home.userId')}</dt>
        <dd>{user.userId}</dd>
      </dl>
    </section>
  );
}
