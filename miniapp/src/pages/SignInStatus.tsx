import { Button, DotLoading, Result } from 'antd-mobile';
import { ApiError, errorText } from '../api.ts';
import { Shell } from '../components/Shell.tsx';
import { type TextKey, useI18n } from '../i18n.ts';

/** While signing in, and every way it can end without a session. */
export function SigningIn() {
  const { t } = useI18n();
  return (
    <Shell>
      <div className="center" role="status">
        {t('signin.signingIn')}
        <DotLoading />
      </div>
    </Shell>
  );
}

export function NotInDingTalk() {
  const { t } = useI18n();
  return (
    <Shell>
      <Result
        status="info"
        title={<span data-testid="signin-title">{t('signin.notInDingTalk.title')}</span>}
        description={t('signin.notInDingTalk.body')}
      />
    </Shell>
  );
}

export function SignInFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  const known = reasonOf(error);
  // A known reason in the chosen language; otherwise what the server said.
  const text = known ? t(known) : errorText(error, t);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <Shell>
      <Result
        status="error"
        title={<span data-testid="signin-title">{t('signin.failed.title')}</span>}
        description={
          <>
            <span data-testid="signin-error">{text}</span>
            {requestId && <span className="request-id">{t('error.requestId', { id: requestId })}</span>}
          </>
        }
      />
      {!known && (
        <div className="sign-out">
          <Button block color="primary" onClick={onRetry}>
            {t('signin.retry')}
          </Button>
        </div>
      )}
    </Shell>
  );
}

export function SignedOut() {
  const { t } = useI18n();
  return (
    <Shell>
      <Result status="success" title={t('signin.signedOut.title')} description={t('signin.signedOut.body')} />
    </Shell>
  );
}

/** The server names why sign-in failed (x-auth-reason); these have a text in both languages. */
function reasonOf(error: unknown): TextKey | undefined {
  if (!(error instanceof ApiError)) return undefined;
  switch (error.reason) {
    case 'authCodeInvalid':
      return 'signin.authCodeInvalid';
    case 'notInDirectory':
      return 'signin.notInDirectory';
    case 'noSession':
    case 'sessionExpired':
    case 'sessionEnded':
      return 'signin.sessionEnded';
    default:
      return undefined;
  }
}
