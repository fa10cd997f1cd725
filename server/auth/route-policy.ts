import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { DomainError } from '../../shared/errors.ts';
import { type Authenticator, exposeAuthReason } from './authenticator.ts';
import type { Caller } from './caller.ts';
import { isRole, type Role } from './roles.ts';

/**
 * Every route of the HTTP API declares who may call it; the default is deny.
 *
 *   router.get('/api/tickets', { allow: ['engineer', 'dispatcher', 'customer'] }, handler)
 *   router.post('/api/auth/dingtalk', 'public', handler)
 *
 * - A route cannot be registered without a policy: the type requires one and
 *   `ApiRouter` throws at registration when it is missing or names an
 *   unknown role (or none at all).
 * - A request under /api/ that no declared route matches is answered 404
 *   before anything else runs, so a route added past this router (a plain
 *   Koa router mounted later) is unreachable rather than open.
 * - For a route with `allow`, the session is resolved first (401 without a
 *   live session, 403 without one of the roles — both before the body is
 *   read); the handler finds the caller with `callerOf(ctx)`.
 * - Unsafe methods (POST, PUT, PATCH, DELETE) from a browser page of another
 *   origin are refused (403), public ones included (sign-in CSRF).
 */
export type RoutePolicy = 'public' | { allow: readonly Role[] };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface DeclaredRoute {
  method: Method;
  path: string;
  policy: RoutePolicy;
}

/** Header on policy refusals, so tests tell them apart from a handler's own 401/403/404. */
export const deniedByHeader = 'x-denied-by';

export class PolicyError extends Error {}

export class ApiRouter {
  private readonly router = new Router();
  private readonly declared: DeclaredRoute[] = [];

  constructor(private readonly auth: Authenticator) {}

  get(path: string, policy: RoutePolicy, ...handlers: Middleware[]): this {
    return this.add('GET', path, policy, handlers);
  }
  post(path: string, policy: RoutePolicy, ...handlers: Middleware[]): this {
    return this.add('POST', path, policy, handlers);
  }
  put(path: string, policy: RoutePolicy, ...handlers: Middleware[]): this {
    return this.add('PUT', path, policy, handlers);
  }
  patch(path: string, policy: RoutePolicy, ...handlers: Middleware[]): this {
    return this.add('PATCH', path, policy, handlers);
  }
  delete(path: string, policy: RoutePolicy, ...handlers: Middleware[]): this {
    return this.add('DELETE', path, policy, handlers);
  }

  /** Every declared route with its policy, in registration order. */
  routes(): readonly DeclaredRoute[] {
    return this.declared.map((r) => ({ ...r }));
  }

  /**
   * The router as Koa middleware; mount it before anything else that could
   * answer under /api/ (the desk mounts it right after the error mapping).
   */
  middleware(): Middleware {
    const routes = this.router.routes() as Middleware;
    const allowed = this.router.allowedMethods() as Middleware;
    return async (ctx, next) => {
      if (isApiPath(ctx.path) && !this.router.match(ctx.path, ctx.method).path.length) {
        ctx.set(deniedByHeader, 'route-policy');
        throw new DomainError('notFound', `no route for ${ctx.method} ${ctx.path}`);
      }
      await routes(ctx, async () => {
        await allowed(ctx, next);
      });
    };
  }

  private add(method: Method, path: string, policy: RoutePolicy, handlers: Middleware[]): this {
    checkPolicy(method, path, policy);
    if (handlers.length === 0) throw new PolicyError(`${method} ${path}: no handler`);
    const frozen: RoutePolicy = policy === 'public' ? 'public' : { allow: Object.freeze([...policy.allow]) };
    this.declared.push({ method, path, policy: frozen });
    const guard = this.guard(frozen);
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    this.router[verb](path, guard, ...handlers);
    return this;
  }

  private guard(policy: RoutePolicy): Middleware {
    return async (ctx: Context, next: Next) => {
      if (!safeMethods.has(ctx.method) && !this.sameOrigin(ctx)) {
        ctx.set(deniedByHeader, 'route-policy');
        throw new DomainError('forbidden', '拒绝跨站请求 / cross-site request refused');
      }
      if (policy === 'public') return next();
      let caller: Caller;
      try {
        const authenticated = await this.auth.authenticate(ctx);
        caller = authenticated.caller;
        ctx.state.caller = caller;
        ctx.state.session = authenticated.session;
      } catch (err) {
        ctx.set(deniedByHeader, 'route-policy');
        exposeAuthReason(ctx, err);
        throw err;
      }
      if (!(caller.roles as readonly Role[]).some((r) => policy.allow.includes(r))) {
        ctx.set(deniedByHeader, 'route-policy');
        throw new DomainError('forbidden', '您的角色无权进行此操作 / your role may not do this', {
          details: { reason: 'role', allow: policy.allow },
        });
      }
      return next();
    };
  }

  /** A browser names the page's origin on unsafe requests; other clients send none. */
  private sameOrigin(ctx: Context): boolean {
    const origin = ctx.get('origin');
    if (!origin) return true;
    // (Koa 3's ctx.origin is the Origin header itself, not the server's origin)
    const own = `${ctx.protocol}://${ctx.host}`;
    return origin === own || (this.auth.deps.trustedOrigins ?? []).includes(origin);
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

function checkPolicy(method: string, path: string, policy: unknown): asserts policy is RoutePolicy {
  const where = `${method} ${path}`;
  if (policy === 'public') return;
  if (typeof policy !== 'object' || policy === null || !('allow' in policy)) {
    throw new PolicyError(`${where}: every route declares who may call it: 'public' or { allow: [roles] }`);
  }
  const allow = (policy as { allow: unknown }).allow;
  if (!Array.isArray(allow) || allow.length === 0) {
    throw new PolicyError(`${where}: allow must name at least one role`);
  }
  const unknown = allow.filter((r) => !isRole(r));
  if (unknown.length) throw new PolicyError(`${where}: unknown roles ${unknown.join(', ')}`);
}

/** Whether a declared policy lets this role (or nobody signed in: undefined) call the route. */
export function policyAllows(policy: RoutePolicy, role: Role | undefined): boolean {
  if (policy === 'public') return true;
  return role !== undefined && policy.allow.includes(role);
}
