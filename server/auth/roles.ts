import { type StaffRole, staffRoles } from '../../shared/schemas/directory-import.ts';

/**
 * Who may call what. A customer contact has the one role `customer`; a staff
 * member has the roles the directory gives them (engineer, dispatcher —
 * the sorting centre —, teamLead, productCentre, admin), possibly several.
 */
export const roles = ['customer', ...staffRoles] as const;
export type Role = (typeof roles)[number];

/** Every role: any signed-in user. */
export const anyRole: readonly Role[] = roles;
/** The vendor's people, whatever their role. */
export const anyStaff: readonly StaffRole[] = staffRoles;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
