import type { SimApp, Simulator } from '../../simulator/simulator.ts';
import type { Db } from '../db/mongo.ts';
import { contactModel } from '../directory/contact-model.ts';
import { staffModel } from '../directory/staff-model.ts';
import { teamModel } from '../directory/team-model.ts';

/** The app the product registers on its own local simulator (no real credentials involved). */
export const simulatorApp: SimApp & { robotCode: string; agentId: string } = {
  name: '售后服务台（本地模拟）',
  clientId: 'dinglocalservicedesk',
  clientSecret: 'local-simulator-secret',
  robotCode: 'dinglocalservicedesk',
  corpId: 'dinglocalcorp',
  agentId: '3000000001',
};

/** A DingTalk user who is in neither the customer nor the staff directory, to try the "unregistered" reply. */
const visitor = { userId: 'visitor-01', name: '访客（未登记）', corpId: simulatorApp.corpId };

/**
 * Mirrors the directory onto the simulator: every contact and staff member
 * becomes a simulated DingTalk user, every team group a group chat with the
 * robot and the team's staff. Start-up only; the directory is small.
 */
export async function registerDirectoryOnSimulator(db: Db, sim: Simulator): Promise<void> {
  sim.registerApp(simulatorApp);
  const corpId = simulatorApp.corpId;
  const [contacts, staff, teams] = await Promise.all([
    contactModel(db).find().lean(),
    staffModel(db).find().lean(),
    teamModel(db).find().lean(),
  ]);
  for (const c of contacts) {
    sim.registerUser({
      userId: c._id,
      name: c.name,
      corpId,
      ...(c.phone ? { mobile: c.phone } : {}),
      ...(c.email ? { email: c.email } : {}),
    });
  }
  for (const s of staff) {
    sim.registerUser({
      userId: s._id,
      name: s.name,
      corpId,
      ...(s.phone ? { mobile: s.phone } : {}),
      ...(s.email ? { email: s.email } : {}),
      isAdmin: s.roles.includes('admin'),
    });
  }
  sim.registerUser(visitor);
  for (const t of teams) {
    if (!t.groupConversationId) continue;
    sim.registerGroup({
      openConversationId: t.groupConversationId,
      title: t.name,
      memberUserIds: staff.filter((s) => s.teamIds.includes(t._id)).map((s) => s._id),
      robotCodes: [simulatorApp.robotCode],
    });
  }
}
