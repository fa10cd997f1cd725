import { createHash } from 'node:crypto';
import Router from '@koa/router';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../../server/auth/authenticator.ts';
import { assertOrgVisible, canSeeOrg, orgScope, scopedOrgId } from '../../../server/auth/caller.ts';
import { authSettingsFrom } from '../../../server/auth/from-config.ts';
import { anyRole, anyStaff, type Role, roles } from '../../../server/auth/roles.ts';
import {
  ApiRouter,
  type DeclaredRoute,
  PolicyError,
  policyAllows,
  type RoutePolicy,
} from '../../../server/auth/route-policy.ts';
import { sessionModel } from '../../../server/auth/session-model.ts';
import { loadConfig } from '../../../server/config.ts';
import { simulatorApp } from '../../../server/demo/simulator-registry.ts';
import type { Desk } from '../../../server/desk.ts';
import { DingTalkClient } from '../../../server/dingtalk/dingtalk-client.ts';
import { importDirectory } from '../../../server/directory/import-directory.ts';
import { createHttpApp, listen } from '../../../server/http/app.ts';
import type { Simulator } from '../../../simulator/simulator.ts';
import { freshDbName, openTestDb } from '../../support/db.ts';
import { startTestDesk, startTestSimulator } from '../../support/stack.ts';
import { authTestDirectory, personFor } from './directory.ts';
import { type Answer, Client, signedIn } from './helpers.ts';

/**
 * Who may call what, generated from the routes the desk actually registered:
 * every route × every role, plus no session and an expired session, against
 * the route's declared policy. A new route is covered by adding it.
 * Then the sessions themselves: cookie flags, rotation, idle and absolute
 * expiry on an injected clock, logout, and 免登 refusals.
 */

const t0 = Date.parse('2026-03-02T02:00:00Z');
let clock = t0;
const now = () => new Date(clock);
const minutes = (n: number) => n * 60_000;

let sim: Simulator;
let desk: Desk;
let dbName: string;
let base: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  dbName = freshDbName();
  const db = await openTestDb(dbName);
  const imported = await importDirectory(db, authTestDirectory);
  expect(imported.ok).toBe(true);
  await db.close();
  desk = await startTestDesk(sim, { dbName, env: { ROLES: 'server' }, now });
  base = desk.httpUrl!;
});

afterAll(async () => {
  await desk?.stop();
  await sim?.close();
});

type Who = Role | 'no session' | 'expired session';
const everyone: Who[] = [...roles, 'no session', 'expired session'];

/** A client as `who`: signed in fresh (the previous case may have logged out), or not at all. */
async function clientAs(who: Who): Promise<Client> {
  if (who === 'no session') return new Client(base);
  if (who === 'expired session') {
    const c = await signedIn(sim, base, personFor.admin);
    clock += minutes(121); // default idle expiry: 120 minutes
    return c;
  }
  return signedIn(sim, base, personFor[who]);
}

function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, 'x-$1');
}

function expectation(policy: RoutePolicy, who: Who): 'allowed' | 401 | 403 {
  if (policy === 'public') return 'allowed';
  if (who === 'no session' || who === 'expired session') return 401;
  return policyAllows(policy, who) ? 'allowed' : 403;
}

function outcome(a: Answer): 'allowed' | 401 | 403 | string {
  if (a.deniedBy === 'route-policy') return a.status === 401 || a.status === 403 ? a.status : `${a.status}?`;
  return 'allowed';
}

describe('route × role matrix', () => {
  it('lists the routes with their policies, and knows the foundation routes', () => {
    const routes = desk.apiRoutes ?? [];
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /api/auth/config',
        'POST /api/auth/dingtalk',
        'POST /api/auth/logout',
        'GET /api/me',
        'GET /api/levels',
        'POST /api/directory/validate',
      ]),
    );
    const policyOf = (name: string) => routes.find((r) => `${r.method} ${r.path}` === name)?.policy;
    expect(policyOf('GET /healthz')).toBe('public');
    expect(policyOf('POST /api/auth/dingtalk')).toBe('public');
    expect(policyOf('GET /api/me')).toEqual({ allow: anyRole });
    expect(policyOf('POST /api/directory/validate')).toEqual({ allow: ['admin'] });
    // 服务预约 (server/bookings/booking-routes.ts): staff only; the configuration is the admin's
    expect(policyOf('GET /api/bookings')).toEqual({ allow: anyStaff });
    expect(policyOf('PUT /api/booking-config')).toEqual({ allow: ['admin'] });
    expect(policyOf('POST /api/bookings/:id/session')).toEqual({ allow: ['engineer', 'teamLead', 'admin'] });
    expect(policyOf('DELETE /api/time-off/:id')).toEqual({ allow: ['engineer', 'teamLead', 'admin'] });
    // only the sign-in flow and health are open
    const open = routes.filter((r) => r.policy === 'public').map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual(
      ['GET /healthz', 'GET /api/auth/config', 'POST /api/auth/dingtalk', 'POST /api/auth/logout'].sort(),
    );
  });

  it('answers every route for every role (and none, and expired) as its policy says', async () => {
    const routes: readonly DeclaredRoute[] = desk.apiRoutes ?? [];
    const wrong: string[] = [];
    let cases = 0;
    for (const route of routes) {
      for (const who of everyone) {
        const saved = clock;
        const client = await clientAs(who);
        const a = await client.call(route.method, concretePath(route.path), {
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
        });
        clock = saved;
        cases += 1;
        const want = expectation(route.policy, who);
        const got = outcome(a);
        if (got !== want) {
          wrong.push(
            `${route.method} ${route.path} as ${who}: want ${want}, got ${a.status} ${JSON.stringify(a.json)}`,
          );
        }
        if (want === 401) expect(a.json).toMatchObject({ error: { code: 'unauthenticated' } });
        if (want === 403) expect(a.json).toMatchObject({ error: { code: 'forbidden' } });
      }
    }
    expect(wrong).toEqual([]);
    expect(cases).toBe(routes.length * everyone.length);
  });

  it('treats a staff member with several roles as having each of them', async () => {
    // the demo's habit: a team lead who is also an engineer
    const db = await openTestDb(dbName);
    await importDirectory(db, {
      staff: [{ userId: 'lead-and-admin', name: '组长兼管理员', roles: ['teamLead', 'admin'] }],
    });
    await db.close();
    sim.registerUser({ userId: 'lead-and-admin', name: '组长兼管理员', corpId: simulatorApp.corpId });
    const c = await signedIn(sim, base, 'lead-and-admin');
    const a = await c.call('POST', '/api/directory/validate', { body: { staff: [] } });
    expect(a.deniedBy).toBeNull();
    expect((await c.call('GET', '/api/me')).json).toMatchObject({ user: { roles: ['teamLead', 'admin'] } });
  });
});

describe('default deny', () => {
  const handler = () => {};

  it('refuses to register a route without a policy, with no roles, or with an unknown role', async () => {
    const router = new ApiRouter(await authenticator());
    expect(() => router.get('/api/x', undefined as unknown as RoutePolicy, handler)).toThrow(PolicyError);
    expect(() => router.get('/api/x', {} as unknown as RoutePolicy, handler)).toThrow(/who may call it/);
    expect(() => router.post('/api/x', { allow: [] }, handler)).toThrow(/at least one role/);
    expect(() => router.post('/api/x', { allow: ['root' as Role] }, handler)).toThrow(/unknown roles root/);
    expect(() => router.get('/api/x', 'private' as unknown as RoutePolicy, handler)).toThrow(PolicyError);
    expect(router.routes()).toEqual([]);
  });

  it('answers 404 for an /api route registered past the policy router, without running it', async () => {
    const app = createHttpApp({
      db: desk.db,
      logger: pino({ level: 'silent' }),
      productLines: ['EKP'],
      auth: await authDeps(),
    });
    let ran = false;
    const sneaky = new Router();
    sneaky.get('/api/sneaky', (ctx) => {
      ran = true;
      ctx.body = { secret: true };
    });
    app.use(sneaky.routes());
    const { server, url } = await listen(app, '127.0.0.1', 0);
    try {
      const a = await new Client(url).call('GET', '/api/sneaky');
      expect(a.status).toBe(404);
      expect(a.deniedBy).toBe('route-policy');
      expect(ran).toBe(false);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('refuses unsafe requests from a page of another origin (also sign-in)', async () => {
    const c = await signedIn(sim, base, personFor.admin);
    const evil = { origin: 'http://evil.example' };
    const a = await c.call('POST', '/api/directory/validate', { body: { staff: [] }, headers: evil });
    expect(a.status).toBe(403);
    const b = await new Client(base).call('POST', '/api/auth/dingtalk', {
      body: { authCode: sim.authCode(personFor.admin) },
      headers: evil,
    });
    expect(b.status).toBe(403);
    expect(b.setCookie).toEqual([]);
    // the page's own origin is fine
    const same = await c.call('POST', '/api/directory/validate', {
      body: { staff: [] },
      headers: { origin: base },
    });
    expect(same.deniedBy).toBeNull();
  });
});

async function authDeps() {
  return {
    dingtalk: new DingTalkClient({
      clientId: simulatorApp.clientId,
      clientSecret: simulatorApp.clientSecret,
      robotCode: simulatorApp.robotCode,
      apiBase: sim.url,
      oapiBase: sim.url,
    }),
    corpId: simulatorApp.corpId,
    now,
    ...authSettingsFrom(loadConfig({})),
  };
}

async function authenticator(): Promise<Authenticator> {
  return new Authenticator(desk.db, await authDeps());
}

describe('sign-in (免登)', () => {
  it('signs a customer in and says who they are and which organisation', async () => {
    const c = await signedIn(sim, base, 'cust-b');
    const me = await c.call('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      user: {
        userId: 'cust-b',
        name: '客户乙',
        kind: 'customer',
        roles: ['customer'],
        organisation: { id: 'org-b', name: '乙单位有限公司' },
      },
    });
  });

  it('signs staff in with their roles and teams', async () => {
    const c = await signedIn(sim, base, 'only-dispatcher');
    expect((await c.call('GET', '/api/me')).json).toMatchObject({
      user: { kind: 'staff', roles: ['dispatcher'], teams: [{ id: 'team-sort', name: '分拣中心' }] },
    });
  });

  it('refuses a DingTalk user who is not in the directory: 403 with a clear message, no session', async () => {
    const a = await new Client(base).call('POST', '/api/auth/dingtalk', {
      body: { authCode: sim.authCode('visitor-01') },
    });
    expect(a.status).toBe(403);
    expect(a.authReason).toBe('notInDirectory');
    expect(a.setCookie).toEqual([]);
    const message = (a.json as { error: { message: string } }).error.message;
    expect(message).toContain('访客（未登记）');
    expect(message).toMatch(/未在售后服务台登记为客户联系人或服务人员，请联系服务台管理员开通/);
  });

  it('refuses a contact who has left (inactive) like a stranger', async () => {
    const a = await new Client(base).call('POST', '/api/auth/dingtalk', {
      body: { authCode: sim.authCode('cust-b-left') },
    });
    expect(a.status).toBe(403);
    expect(a.authReason).toBe('notInDirectory');
  });

  it('refuses a made-up or spent code with 401 and says why', async () => {
    const bogus = await new Client(base).call('POST', '/api/auth/dingtalk', { body: { authCode: 'nope' } });
    expect(bogus.status).toBe(401);
    expect(bogus.authReason).toBe('authCodeInvalid');
    expect((bogus.json as { error: { message: string } }).error.message).toMatch(/免登授权码无效或已过期/);

    const code = sim.authCode('cust-a');
    expect(
      (await new Client(base).call('POST', '/api/auth/dingtalk', { body: { authCode: code } })).status,
    ).toBe(200);
    const again = await new Client(base).call('POST', '/api/auth/dingtalk', { body: { authCode: code } });
    expect(again.status).toBe(401);
  });

  it('refuses a body without a code field by field', async () => {
    const a = await new Client(base).call('POST', '/api/auth/dingtalk', { body: { code: 'x' } });
    expect(a.status).toBe(400);
    expect(a.json).toMatchObject({ error: { code: 'validation' } });
    const paths = (a.json as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths).toContain('authCode');
  });

  it('gives the corpId for requestAuthCode to anyone', async () => {
    expect((await new Client(base).call('GET', '/api/auth/config')).json).toEqual({
      corpId: simulatorApp.corpId,
    });
  });

  it('signing in again (as someone else) ends the session the browser had', async () => {
    const c = await signedIn(sim, base, 'cust-a');
    const first = c.cookie!;
    const a = await c.call('POST', '/api/auth/dingtalk', { body: { authCode: sim.authCode('cust-b') } });
    expect(a.status).toBe(200);
    expect(c.cookie).not.toBe(first);
    expect((await new Client(base, first).call('GET', '/api/me')).status).toBe(401);
    expect((await c.call('GET', '/api/me')).json).toMatchObject({ user: { userId: 'cust-b' } });
  });
});

describe('sessions', () => {
  it('sets an httpOnly, SameSite=Lax cookie for the absolute lifetime, not Secure over http', async () => {
    const a = await new Client(base).call('POST', '/api/auth/dingtalk', {
      body: { authCode: sim.authCode('cust-a') },
    });
    const cookie = a.setCookie.find((c) => c.startsWith('desk_session='))!;
    expect(cookie).toMatch(/^desk_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('; HttpOnly');
    expect(cookie).toContain('; SameSite=Lax');
    expect(cookie).toContain('; Path=/');
    expect(cookie).toContain('; Max-Age=43200'); // 12 h
    expect(cookie).not.toContain('Secure');
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const secure = await startTestDesk(sim, {
      dbName,
      env: { ROLES: 'server', PUBLIC_URL: 'https://desk.example.com' },
      now,
    });
    try {
      const a = await new Client(secure.httpUrl!).call('POST', '/api/auth/dingtalk', {
        body: { authCode: sim.authCode('cust-a') },
      });
      expect(a.status).toBe(200);
      expect(a.setCookie.find((c) => c.startsWith('desk_session='))).toMatch(/; Secure$/);
      // its pages may POST
      const b = await new Client(secure.httpUrl!).call('POST', '/api/auth/logout', {
        headers: { origin: 'https://desk.example.com' },
      });
      expect(b.status).toBe(200);
    } finally {
      await secure.stop();
    }
  });

  it('stores only a hash of the token, keyed by _id', async () => {
    const c = await signedIn(sim, base, 'cust-a');
    const token = c.cookie!;
    const sessions = sessionModel(desk.db);
    expect(await sessions.findById(token).lean()).toBeNull();
    const doc = await sessions.findById(createHash('sha256').update(token).digest('hex')).lean();
    expect(doc).toMatchObject({ userId: 'cust-a' });
    expect(JSON.stringify(doc)).not.toContain(token);
  });

  it('rotates the token after 15 minutes of use; the old one works for a minute, then not', async () => {
    clock = t0;
    const c = await signedIn(sim, base, 'only-engineer');
    const first = c.cookie!;

    clock = t0 + minutes(10);
    const early = await c.call('GET', '/api/me');
    expect(early.status).toBe(200);
    expect(early.setCookie).toEqual([]);

    clock = t0 + minutes(16);
    const rotated = await c.call('GET', '/api/me');
    expect(rotated.status).toBe(200);
    expect(c.cookie).toBeDefined();
    expect(c.cookie).not.toBe(first);
    expect(rotated.setCookie[0]).toMatch(/HttpOnly; SameSite=Lax/);

    // a request that left with the old token just before
    clock = t0 + minutes(16.5);
    const inFlight = await new Client(base, first).call('GET', '/api/me');
    expect(inFlight.status).toBe(200);
    expect(inFlight.setCookie).toEqual([]);

    clock = t0 + minutes(18);
    expect((await new Client(base, first).call('GET', '/api/me')).status).toBe(401);
    expect((await c.call('GET', '/api/me')).status).toBe(200);
    clock = t0;
  });

  it('expires after 2 hours without use, and says so', async () => {
    clock = t0;
    const c = await signedIn(sim, base, 'cust-a');
    clock = t0 + minutes(110);
    expect((await c.call('GET', '/api/me')).status).toBe(200);
    clock = t0 + minutes(220); // 110 minutes after the last use
    expect((await c.call('GET', '/api/me')).status).toBe(200);
    clock = t0 + minutes(220 + 121);
    const a = await c.call('GET', '/api/me');
    expect(a.status).toBe(401);
    expect(a.authReason).toBe('sessionExpired');
    expect(a.json).toMatchObject({
      error: { code: 'unauthenticated', message: expect.stringMatching(/登录已过期/) },
    });
    expect(a.setCookie.some((s) => s.startsWith('desk_session=;') && s.includes('Max-Age=0'))).toBe(true);
    clock = t0;
  });

  it('expires 12 hours after sign-in however much it is used', async () => {
    clock = t0;
    const c = await signedIn(sim, base, 'cust-a');
    for (let m = 100; m < 12 * 60; m += 100) {
      clock = t0 + minutes(m);
      expect((await c.call('GET', '/api/me')).status, `at +${m} min`).toBe(200);
    }
    clock = t0 + minutes(12 * 60 + 1); // 21 minutes after the last use
    expect((await c.call('GET', '/api/me')).status).toBe(401);
    clock = t0;
  });

  it('logs out: the cookie is cleared and the token (and the one it replaced) no longer works', async () => {
    clock = t0;
    const c = await signedIn(sim, base, 'only-admin');
    const first = c.cookie!;
    clock = t0 + minutes(16);
    await c.call('GET', '/api/me'); // rotated
    const second = c.cookie!;
    expect(second).not.toBe(first);

    const out = await c.call('POST', '/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.setCookie.some((s) => /^desk_session=; .*Max-Age=0/.test(s))).toBe(true);
    expect(c.cookie).toBeUndefined();
    for (const token of [first, second]) {
      const a = await new Client(base, token).call('GET', '/api/me');
      expect(a.status).toBe(401);
      expect(a.authReason).toBe('sessionEnded');
    }
    // logging out without a session is harmless
    expect((await new Client(base).call('POST', '/api/auth/logout')).status).toBe(200);
    clock = t0;
  });

  it('ignores a malformed or unknown cookie (401, never a 500)', async () => {
    for (const token of ['', 'x', 'a'.repeat(43), '../../etc/passwd', 'é'.repeat(50)]) {
      const a = await new Client(base, encodeURIComponent(token)).call('GET', '/api/me');
      expect(a.status).toBe(401);
    }
  });
});

describe('organisation scope for services', () => {
  const customer = {
    kind: 'customer',
    userId: 'cust-a',
    name: '客户甲',
    roles: ['customer'],
    orgId: 'org-a',
    orgName: '甲单位有限公司',
  } as const;
  const engineer = { kind: 'staff', userId: 'e', name: '工程师', roles: ['engineer'], teamIds: [] } as const;

  it('confines a customer to their organisation and lets staff see all', () => {
    expect(orgScope(customer)).toEqual({ orgId: 'org-a' });
    expect(orgScope(engineer)).toEqual({});
    expect(scopedOrgId(customer)).toBe('org-a');
    expect(scopedOrgId(engineer)).toBeUndefined();
    expect(canSeeOrg(customer, 'org-b')).toBe(false);
    expect(canSeeOrg(engineer, 'org-b')).toBe(true);
  });

  it("answers another organisation's record like a missing one", () => {
    expect(() => assertOrgVisible(customer, 'org-a', '工单')).not.toThrow();
    let error: unknown;
    try {
      assertOrgVisible(customer, 'org-b', '工单');
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'notFound', message: '工单不存在' });
    expect(() => assertOrgVisible(engineer, 'org-b')).not.toThrow();
  });
});
