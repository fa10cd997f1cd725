import type { Config } from '../config.ts';
import type { AuthDeps } from './authenticator.ts';

/** The session settings, cookie flag and trusted origin the configuration implies. */
export function authSettingsFrom(
  config: Config,
): Pick<AuthDeps, 'session' | 'secureCookie' | 'trustedOrigins'> {
  const publicUrl = config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : undefined;
  return {
    session: {
      idleMs: config.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
      rotateMs: config.SESSION_ROTATE_MINUTES * 60_000,
    },
    secureCookie: publicUrl?.protocol === 'https:',
    trustedOrigins: publicUrl ? [publicUrl.origin] : [],
  };
}
