import { ApiError, getAuthConfig, getMe, type Me, signIn } from './api.ts';

/**
 * Sign-in is DingTalk 免登 only:
 * - inside DingTalk the page asks the client for a one-time code
 *   (dd.runtime.permission.requestAuthCode with the organisation's corpId);
 * - opened from the local simulator (its chat page → /_sim/open-app), the
 *   code arrives in the URL (`?authCode=…&corpId=…`): the simulator's
 *   stand-in for the JSAPI bridge. The code is removed from the address bar
 *   at once (it is single-use; a reload must not resend it);
 * - anywhere else there is no way in: the page says to open it from DingTalk.
 * The server exchanges the code for the user and sets the session cookie.
 */
export type SignInOutcome =
  | { kind: 'signedIn'; me: Me }
  | { kind: 'notInDingTalk' }
  | { kind: 'failed'; error: unknown };

let initial: Promise<SignInOutcome> | undefined;

/** The sign-in of the page load, once (React's StrictMode runs effects twice in development). */
export function initialSession(): Promise<SignInOutcome> {
  initial ??= startSession();
  return initial;
}

export async function startSession(): Promise<SignInOutcome> {
  const fromUrl = takeCodeFromUrl();
  try {
    if (fromUrl.authCode) return { kind: 'signedIn', me: await signIn(fromUrl.authCode) };
    try {
      return { kind: 'signedIn', me: await getMe() };
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'unauthenticated')) throw err;
    }
    if (!isInDingTalk()) return { kind: 'notInDingTalk' };
    const corpId = fromUrl.corpId ?? (await getAuthConfig()).corpId;
    return { kind: 'signedIn', me: await signIn(await requestDingTalkCode(corpId)) };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** Reads `authCode` and `corpId` from the URL and removes the code from the address bar. */
export function takeCodeFromUrl(): { authCode?: string; corpId?: string } {
  const url = new URL(window.location.href);
  const authCode = url.searchParams.get('authCode') ?? undefined;
  // DingTalk substitutes $CORPID$ in the app's configured URL (…/app/?corpId=$CORPID$)
  const corpId = url.searchParams.get('corpId') ?? undefined;
  if (authCode !== undefined) {
    url.searchParams.delete('authCode');
    url.searchParams.delete('corpId');
    window.history.replaceState(window.history.state, '', url.toString());
  }
  return {
    ...(authCode ? { authCode } : {}),
    ...(corpId && corpId !== '$CORPID$' ? { corpId } : {}),
  };
}

/** The DingTalk client (mobile, PC) names itself in the user agent. */
export function isInDingTalk(): boolean {
  return /DingTalk/i.test(navigator.userAgent);
}

/** Loaded only inside DingTalk: the JSAPI is large and useless elsewhere. */
async function requestDingTalkCode(corpId: string): Promise<string> {
  await import('dingtalk-jsapi/entry/union');
  const { default: requestAuthCode } = await import('dingtalk-jsapi/api/runtime/permission/requestAuthCode');
  const { code } = await requestAuthCode({ corpId });
  return code;
}
