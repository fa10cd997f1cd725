import type { Context } from 'koa';
import { z } from 'zod';
import type { Db } from '../db/mongo.ts';
import { listTeams } from '../directory/directory-service.ts';
import { readJson } from '../http/body.ts';
import { parseWith } from '../http/errors.ts';
import { type Authenticator, exposeAuthReason } from './authenticator.ts';
import { type Caller, callerOf } from './caller.ts';
import { anyRole } from './roles.ts';
import type { ApiRouter } from './route-policy.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session-cookie.ts';
import type { LiveSession } from './session-store.ts';
import { signInWithAuthCode } from './sign-in.ts';

/**
 *   GET  /api/auth/config     public   { corpId } for requestAuthCode
 *   POST /api/auth/dingtalk   public   { authCode } → session cookie + the caller
 *   POST /api/auth/logout     public   ends the session the cookie names, clears the cookie
 *   GET  /api/me              any role the caller, their roles, organisation or teams
 */
const signInSchema = z.strictObject({
  authCode: z.string().trim().min(1, '缺少免登授权码 authCode').max(512, 'authCode 过长'),
});

export function addAuthRoutes(router: ApiRouter, db: Db, auth: Authenticator): void {
  router.get('/api/auth/config', 'public', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { corpId: auth.deps.corpId };
  });

  router.post('/api/auth/dingtalk', 'public', async (ctx) => {
    const { authCode } = parseWith(signInSchema, await readJson(ctx, 10_000));
    const { caller, token, session } = await signInWithAuthCode(db, auth, authCode).catch((err: unknown) => {
      exposeAuthReason(ctx, err);
      throw err;
    });
    // Signing in (again, perhaps as someone else) ends the session the browser had.
    const previous = readSessionToken(ctx);
    if (previous) await auth.sessions.end(previous, 'signedInAgain');
    setSessionCookie(ctx, token, session.absoluteExpiresAt, auth.deps.now(), auth.cookie);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await meBody(db, caller, session);
  });

  router.post('/api/auth/logout', 'public', async (ctx) => {
    const token = readSessionToken(ctx);
    if (token) await auth.sessions.end(token, 'logout');
    clearSessionCookie(ctx, auth.cookie);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ok: true };
  });

  router.get('/api/me', { allow: anyRole }, async (ctx: Context) => {
    const { session } = ctx.state as { session: LiveSession };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await meBody(db, callerOf(ctx), session);
  });
}

export interface MeBody {
  user: {
    userId: string;
    name: string;
    kind: Caller['kind'];
    roles: readonly string[];
    organisation?: { id: string; name: string };
    teams?: Array<{ id: string; name: string }>;
  };
  session: { signedInAt: string; idleExpiresAt: string; absoluteExpiresAt: string };
}

async function meBody(db: Db, caller: Caller, session: LiveSession): Promise<MeBody> {
  const base = { userId: caller.userId, name: caller.name, kind: caller.kind, roles: caller.roles };
  const user: MeBody['user'] =
    caller.kind === 'customer'
      ? { ...base, organisation: { id: caller.orgId, name: caller.orgName } }
      : {
          ...base,
          teams: (await listTeams(db))
            .filter((t) => caller.teamIds.includes(t.id))
            .map((t) => ({ id: t.id, name: t.name })),
        };
  return {
    user,
    session: {
      signedInAt: session.signedInAt.toISOString(),
      idleExpiresAt: session.idleExpiresAt.toISOString(),
      absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
    },
  };
}
