import { DomainError } from '../../shared/errors.ts';
import type { Db } from '../db/mongo.ts';
import { DingTalkError } from '../dingtalk/errors.ts';
import { whoIs } from '../directory/directory-service.ts';
import { type Authenticator, callerFrom } from './authenticator.ts';
import type { Caller } from './caller.ts';
import type { LiveSession } from './session-store.ts';

/**
 * DingTalk 免登: the mini-app got a one-time code from the client
 * (dd.runtime.permission.requestAuthCode, or the simulator's stand-in); the
 * code names the DingTalk user (topapi/v2/user/getuserinfo), the directory
 * says who that is, and a new session is issued. No password exists.
 */
export async function signInWithAuthCode(
  db: Db,
  auth: Authenticator,
  authCode: string,
): Promise<{ caller: Caller; token: string; session: LiveSession }> {
  let user: { userId: string; name: string };
  try {
    user = await auth.deps.dingtalk.userFromAuthCode(authCode);
  } catch (err) {
    if (err instanceof DingTalkError && (err.code === '40078' || err.code === 'noUser')) {
      throw new DomainError(
        'unauthenticated',
        '免登授权码无效或已过期（授权码 5 分钟内有效且只能使用一次），请从钉钉重新打开微应用',
        { details: { reason: 'authCodeInvalid' } },
      );
    }
    const unavailable = new DomainError('unavailable', '暂时无法向钉钉确认您的身份，请稍后再试', {
      details: { reason: 'dingtalkUnavailable' },
    });
    unavailable.cause = err; // the log of the 503 shows the DingTalk error
    throw unavailable;
  }
  // Sign-in reads the directory itself (not a cache): a person added a minute ago gets in.
  const caller = callerFrom(user.userId, await whoIs(db, user.userId));
  if (!caller) {
    throw new DomainError(
      'forbidden',
      `您的钉钉账号（${user.name}）未在售后服务台登记为客户联系人或服务人员，请联系服务台管理员开通`,
      { details: { reason: 'notInDirectory', userId: user.userId } },
    );
  }
  const { token, session } = await auth.sessions.create(user.userId);
  return { caller, token, session };
}
