import type { Context } from 'koa';
import { DomainError, isDomainError } from '../../shared/errors.ts';
import type { Db } from '../db/mongo.ts';
import type { DingTalkPort } from '../dingtalk/dingtalk-client.ts';
import { DirectoryCache } from '../directory/directory-cache.ts';
import type { WhoIs } from '../directory/directory-service.ts';
import type { Caller } from './caller.ts';
import {
  type CookieOptions,
  clearSessionCookie,
  readSessionToken,
  setSessionCookie,
} from './session-cookie.ts';
import { type LiveSession, type SessionSettings, SessionStore } from './session-store.ts';

/** What the HTTP app needs for 免登 and sessions (built by the desk from its configuration). */
export interface AuthDeps {
  dingtalk: DingTalkPort;
  /** The organisation's CorpId, for dd.runtime.permission.requestAuthCode in the mini-app. */
  corpId: string;
  session: SessionSettings;
  /** Mark the cookie Secure (PUBLIC_URL is https). */
  secureCookie: boolean;
  /** Origins besides the request's own whose pages may POST (the PUBLIC_URL's). */
  trustedOrigins?: readonly string[];
  now: () => Date;
}

export const unauthenticatedMessage = '未登录或登录已过期，请从钉钉重新打开微应用';

/**
 * Turns the session cookie into the Caller: the session (expiry, rotation)
 * and then the directory, so that roles, organisation and retirement are
 * always current (cached for a few seconds across requests).
 */
export class Authenticator {
  readonly sessions: SessionStore;
  readonly cookie: CookieOptions;
  private readonly directory: DirectoryCache;

  constructor(
    readonly db: Db,
    readonly deps: AuthDeps,
  ) {
    this.sessions = new SessionStore(db, deps.session, deps.now);
    this.cookie = { secure: deps.secureCookie };
    this.directory = new DirectoryCache(db, 10_000);
  }

  /** The caller, or a 401 naming why (no cookie, expired, ended); sets the rotated cookie. */
  async authenticate(ctx: Context): Promise<{ caller: Caller; session: LiveSession }> {
    const token = readSessionToken(ctx);
    if (!token) throw unauthenticated('noSession');
    const resolved = await this.sessions.resolve(token);
    if (!resolved.ok) {
      clearSessionCookie(ctx, this.cookie);
      throw unauthenticated(resolved.reason === 'expired' ? 'sessionExpired' : 'sessionEnded');
    }
    const { session, rotatedToken } = resolved;
    if (rotatedToken) {
      setSessionCookie(ctx, rotatedToken, session.absoluteExpiresAt, this.deps.now(), this.cookie);
    }
    const caller = callerFrom(session.userId, await this.directory.whoIs(session.userId));
    if (!caller) {
      await this.sessions.end(rotatedToken ?? token, 'notInDirectory');
      clearSessionCookie(ctx, this.cookie);
      throw new DomainError('unauthenticated', '您的账号已不在售后服务台名录中，登录已失效', {
        details: { reason: 'notInDirectory' },
      });
    }
    return { caller, session };
  }

  /** Forget cached directory entries (after an admin changes people). */
  forgetDirectory(): void {
    this.directory.clear();
  }
}

/**
 * Why a sign-in or a session failed, as a stable code in a response header
 * (`x-auth-reason`: authCodeInvalid, notInDirectory, noSession,
 * sessionExpired, sessionEnded…) so that the mini-app can say it in the
 * reader's language; the body keeps the usual `{ error: { code, message } }`.
 */
export const authReasonHeader = 'x-auth-reason';

export function exposeAuthReason(ctx: Context, err: unknown): void {
  const reason = isDomainError(err) ? err.details?.reason : undefined;
  if (typeof reason === 'string') ctx.set(authReasonHeader, reason);
}

function unauthenticated(reason: 'noSession' | 'sessionExpired' | 'sessionEnded'): DomainError {
  return new DomainError('unauthenticated', unauthenticatedMessage, { details: { reason } });
}

/** The Caller for a directory entry; undefined for a stranger or a retired person. */
export function callerFrom(userId: string, who: WhoIs): Caller | undefined {
  switch (who.kind) {
    case 'staff':
      return {
        kind: 'staff',
        userId,
        name: who.staff.name,
        roles: who.staff.roles,
        teamIds: who.staff.teamIds,
      };
    case 'contact':
      return {
        kind: 'customer',
        userId,
        name: who.contact.name,
        roles: ['customer'],
        orgId: who.organisation.id,
        orgName: who.organisation.name,
      };
    case 'unknown':
      return undefined;
  }
}
