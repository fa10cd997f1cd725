import { z } from 'zod';
import { simAppSchema, simGroupSchema, simUserSchema } from './registry.ts';
import type { Simulator } from './simulator.ts';

/** A registry file (SIMULATOR_REGISTRY): apps, users and groups to register at start. */
export const registryFileSchema = z.object({
  apps: z.array(simAppSchema).default([]),
  users: z.array(simUserSchema).default([]),
  groups: z.array(simGroupSchema).default([]),
});

export type RegistryFile = z.input<typeof registryFileSchema>;

/** What the standalone simulator starts with when no registry file is given. */
export const demoRegistry: RegistryFile = {
  apps: [
    {
      name: '售后服务台',
      clientId: 'dingsimservicedesk',
      clientSecret: 'sim-secret-change-me',
      corpId: 'dingsimcorp0001',
      agentId: 3000000001,
    },
  ],
  users: [
    {
      userId: 'cust01',
      name: '张三',
      corpId: 'dingsimcorp0001',
      title: '信息中心工程师',
      mobile: '13800000001',
    },
    { userId: 'cust02', name: '李四', corpId: 'dingsimcorp0001', title: '系统管理员', mobile: '13800000002' },
    {
      userId: 'eng01',
      name: '王工',
      corpId: 'dingsimcorp0001',
      title: '服务工程师',
      email: 'eng01@example.com',
    },
    { userId: 'disp01', name: '赵调度', corpId: 'dingsimcorp0001', title: '总部分拣中心' },
    { userId: 'admin01', name: '系统管理员', corpId: 'dingsimcorp0001', isAdmin: true },
    { userId: 'guest01', name: '外部联系人', corpId: 'dingsimguestcorp', external: true },
  ],
  groups: [
    {
      openConversationId: 'cidSimCustomerGroup0001==',
      title: '客户服务群',
      memberUserIds: ['cust01', 'cust02', 'eng01', 'guest01'],
      robotCodes: ['dingsimservicedesk'],
    },
    {
      openConversationId: 'cidSimEngineerGroup0001==',
      title: '售后工程师群',
      memberUserIds: ['eng01', 'disp01', 'admin01'],
      robotCodes: ['dingsimservicedesk'],
    },
  ],
};

/** Registers everything in a (validated) registry file. */
export function applyRegistry(sim: Simulator, file: RegistryFile): void {
  const r = registryFileSchema.parse(file);
  for (const a of r.apps) sim.registerApp(a);
  for (const u of r.users) sim.registerUser(u);
  for (const g of r.groups) sim.registerGroup(g);
}
