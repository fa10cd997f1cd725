import { useEffect, useState } from 'react';
import type { Role } from './api.ts';
import type { TextKey } from './i18n.ts';

/**
 * The screens and who sees them on the home page. The server decides what
 * each role may do (every API route declares its roles); this only keeps
 * the home page to what is useful for the person.
 */
export const features = [
  { id: 'calendar', path: 'calendar', label: 'feature.calendar', color: '#1677ff' },
  { id: 'sla', path: 'sla', label: 'feature.sla', color: '#00b578' },
  { id: 'teams', path: 'teams', label: 'feature.teams', color: '#ff8f1f' },
  { id: 'oncall', path: 'oncall', label: 'feature.oncall', color: '#7c4dff' },
  { id: 'customers', path: 'customers', label: 'feature.customers', color: '#ff3141' },
  { id: 'audit', path: 'audit', label: 'feature.audit', color: '#5b6b7f' },
  { id: 'triage', path: 'triage', label: 'feature.triage', color: '#1677ff' },
  { id: 'myTickets', path: 'tickets', label: 'feature.myTickets', color: '#00b578' },
  { id: 'newTicket', path: 'tickets/new', label: 'feature.newTicket', color: '#ff8f1f' },
  { id: 'suggestions', path: 'suggestions', label: 'feature.suggestions', color: '#7c4dff' },
  { id: 'reports', path: 'reports', label: 'feature.reports', color: '#0e9f9a' },
  { id: 'myBookings', path: 'bookings', label: 'feature.myBookings', color: '#0e9f9a' },
  { id: 'bookingAdmin', path: 'bookings/manage', label: 'feature.bookingAdmin', color: '#ff8f1f' },
] as const satisfies ReadonlyArray<{ id: string; path: string; label: TextKey; color: string }>;

export type Feature = (typeof features)[number];
export type FeatureId = Feature['id'];

const byRole: Record<Role, readonly FeatureId[]> = {
  admin: ['calendar', 'sla', 'teams', 'oncall', 'customers', 'audit', 'triage', 'reports', 'bookingAdmin'],
  dispatcher: ['triage', 'myTickets', 'reports', 'bookingAdmin'],
  // the triage queue is the sorting centre's (dispatchers, team leads, admins: GET /api/tickets?queue=triage)
  engineer: ['myTickets', 'myBookings'],
  // 预约管理: admins change, team leads and dispatchers read (bookings, time off, settings)
  teamLead: ['triage', 'myTickets', 'reports', 'bookingAdmin'],
  productCentre: ['suggestions', 'reports'],
  customer: ['myTickets', 'newTicket'],
};

/** The features of all the person's roles, in one fixed order. */
export function featuresFor(roles: readonly Role[]): Feature[] {
  const wanted = new Set(roles.flatMap((r) => byRole[r]));
  return features.filter((f) => wanted.has(f.id));
}

/** The ticket a route shows (`tickets/SD-2026-000123`), if it is a ticket page. */
export function ticketNoOf(route: string): string | undefined {
  const m = /^tickets\/([A-Za-z0-9-]{1,40})$/.exec(route);
  return m && m[1] !== 'new' ? decodeURIComponent(m[1]!) : undefined;
}

// ---- a tiny router over the History API; the server answers index.html for every /app/… path

export const base = '/app/';

/** The path below /app/, without slashes at either end ('' = home). */
export function currentRoute(): string {
  const p = window.location.pathname;
  return (p.startsWith(base) ? p.slice(base.length) : '').replace(/^\/+|\/+$/g, '');
}

export function navigate(route: string): void {
  window.history.pushState(null, '', `${base}${route}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
