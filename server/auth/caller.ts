import type { Context } from 'koa';
import { DomainError } from '../../shared/errors.ts';
import type { StaffRole } from '../../shared/schemas/directory-import.ts';
import type { Role } from './roles.ts';

/**
 * The signed-in person behind a request, resolved from the session and the
 * directory on every request (so a changed role or a retired person takes
 * effect without signing in again). Route handlers get it with `callerOf`,
 * services scope organisation data with `orgScope` / `assertOrgVisible`.
 */
export interface StaffCaller {
  kind: 'staff';
  userId: string;
  name: string;
  roles: readonly StaffRole[];
  teamIds: readonly string[];
}

export interface CustomerCaller {
  kind: 'customer';
  userId: string;
  name: string;
  roles: readonly ['customer'];
  orgId: string;
  orgName: string;
}

export type Caller = StaffCaller | CustomerCaller;

/** The caller of a route whose policy names roles (the route-policy middleware put it there). */
export function callerOf(ctx: Context): Caller {
  const caller = (ctx.state as { caller?: Caller }).caller;
  if (!caller) throw new DomainError('unauthenticated', '未登录或登录已过期，请从钉钉重新打开微应用');
  return caller;
}

/** The caller if there is one (public routes do not resolve the session). */
export function optionalCallerOf(ctx: Context): Caller | undefined {
  return (ctx.state as { caller?: Caller }).caller;
}

export function hasRole(caller: Caller, ...wanted: readonly Role[]): boolean {
  return (caller.roles as readonly Role[]).some((r) => wanted.includes(r));
}

/**
 * The filter every query of organisation data adds: a customer is confined
 * to their own organisation, staff see all. `find({ status, ...orgScope(caller) })`.
 */
export function orgScope(caller: Caller): { orgId: string } | Record<string, never> {
  return caller.kind === 'customer' ? { orgId: caller.orgId } : {};
}

/** The organisation a customer is confined to; undefined for staff (no restriction). */
export function scopedOrgId(caller: Caller): string | undefined {
  return caller.kind === 'customer' ? caller.orgId : undefined;
}

export function canSeeOrg(caller: Caller, orgId: string): boolean {
  return caller.kind === 'staff' || caller.orgId === orgId;
}

/**
 * Refuses a customer a record of another organisation — answered exactly
 * like a missing one (404), so that ids of other customers leak nothing.
 */
export function assertOrgVisible(caller: Caller, orgId: string, what = '记录'): void {
  if (!canSeeOrg(caller, orgId)) throw new DomainError('notFound', `${what}不存在`);
}
