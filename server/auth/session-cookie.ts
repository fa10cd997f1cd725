import type { Context } from 'koa';

/**
 * The session cookie: httpOnly (no script reads it), SameSite=Lax (not sent
 * on cross-site sub-requests and POSTs), Secure when the public URL is https,
 * Path=/. Written by hand rather than through `ctx.cookies` so that Secure
 * works behind a TLS-terminating proxy that does not say X-Forwarded-Proto.
 */
export const sessionCookieName = 'desk_session';

export interface CookieOptions {
  secure: boolean;
}

export function readSessionToken(ctx: Context): string | undefined {
  const header = ctx.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === sessionCookieName) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The cookie lives until the session's absolute expiry (`now` is the server's, possibly injected, clock). */
export function setSessionCookie(
  ctx: Context,
  token: string,
  expiresAt: Date,
  now: Date,
  opts: CookieOptions,
): void {
  const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  ctx.append(
    'Set-Cookie',
    serialise(token, [`Max-Age=${maxAge}`, `Expires=${expiresAt.toUTCString()}`], opts.secure),
  );
}

export function clearSessionCookie(ctx: Context, opts: CookieOptions): void {
  ctx.append(
    'Set-Cookie',
    serialise('', ['Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'], opts.secure),
  );
}

function serialise(value: string, expiry: string[], secure: boolean): string {
  return [
    `${sessionCookieName}=${value}`,
    'Path=/',
    ...expiry,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
