import type { Role } from '../../../server/auth/roles.ts';

/**
 * The directory of the auth tests: one person per role, each with that role
 * only (the demo's team leads are also engineers or dispatchers), and
 * customers of two organisations.
 */
export const authTestDirectory = {
  organisations: [
    {
      id: 'org-a',
      name: '甲单位有限公司',
      contacts: [{ userId: 'cust-a', name: '客户甲' }],
    },
    {
      id: 'org-b',
      name: '乙单位有限公司',
      contacts: [
        { userId: 'cust-b', name: '客户乙' },
        { userId: 'cust-b-left', name: '已离职客户', active: false },
      ],
    },
  ],
  teams: [{ id: 'team-sort', name: '分拣中心', kind: 'sorting' }],
  staff: [
    { userId: 'only-engineer', name: '工程师', roles: ['engineer'] },
    { userId: 'only-dispatcher', name: '调度', roles: ['dispatcher'], teamIds: ['team-sort'] },
    { userId: 'only-lead', name: '组长', roles: ['teamLead'] },
    { userId: 'only-pc', name: '产品经理', roles: ['productCentre'] },
    { userId: 'only-admin', name: '管理员', roles: ['admin'] },
  ],
};

/** Who plays each role in the matrix. */
export const personFor: Record<Role, string> = {
  customer: 'cust-a',
  engineer: 'only-engineer',
  dispatcher: 'only-dispatcher',
  teamLead: 'only-lead',
  productCentre: 'only-pc',
  admin: 'only-admin',
};
