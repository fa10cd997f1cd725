import { z } from 'zod';
import { appIdFor, defaultUnionId } from './ids.ts';

/**
 * Who exists on the simulated platform: apps (each with its robot), users and
 * groups. Registration is an idempotent upsert by id, so the product's
 * start-up and the tests can register the same things repeatedly.
 */

const id = z.string().trim().min(1).max(128);

export const simAppSchema = z.object({
  name: z.string().trim().min(1).max(100),
  clientId: id,
  clientSecret: z.string().min(1).max(256),
  /** For an internal-app robot the robotCode equals the app's clientId (the default). */
  robotCode: id.optional(),
  corpId: id,
  /** AgentId (a Long on the platform); numeric strings are accepted. */
  agentId: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,19}$/)]),
});

export const simUserSchema = z.object({
  userId: id,
  name: z.string().trim().min(1).max(100),
  corpId: id,
  unionId: id.optional(),
  mobile: z.string().max(32).optional(),
  email: z.string().max(128).optional(),
  title: z.string().max(100).optional(),
  isAdmin: z.boolean().optional(),
  /** External contact (e.g. a customer in a service group): `senderStaffId` is empty. */
  external: z.boolean().optional(),
});

export const simGroupSchema = z.object({
  openConversationId: id,
  title: z.string().trim().min(1).max(100),
  memberUserIds: z.array(id).max(1000),
  robotCodes: z.array(id).max(50),
});

export type SimApp = z.input<typeof simAppSchema>;
export type SimUser = z.input<typeof simUserSchema>;
export type SimGroup = z.input<typeof simGroupSchema>;

/** A registered app with defaults applied. */
export interface RegisteredApp {
  name: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  corpId: string;
  agentId: string;
  /** uuid-shaped unified app id sent as `headers.appId`. */
  appId: string;
}

export interface RegisteredUser {
  userId: string;
  name: string;
  corpId: string;
  unionId: string;
  mobile?: string;
  email?: string;
  title?: string;
  isAdmin: boolean;
  external: boolean;
}

export interface RegisteredGroup {
  openConversationId: string;
  title: string;
  memberUserIds: string[];
  robotCodes: string[];
}

export class RegistryError extends Error {}

export class Registry {
  private readonly appsById = new Map<string, RegisteredApp>();
  private readonly usersById = new Map<string, RegisteredUser>();
  private readonly groupsById = new Map<string, RegisteredGroup>();

  /** Throws a ZodError for invalid input and RegistryError for a robotCode owned by another app. */
  upsertApp(input: SimApp): RegisteredApp {
    const a = simAppSchema.parse(input);
    const robotCode = a.robotCode ?? a.clientId;
    const owner = this.appByRobotCode(robotCode);
    if (owner && owner.clientId !== a.clientId) {
      throw new RegistryError(`robotCode ${robotCode} already belongs to app ${owner.clientId}`);
    }
    const app: RegisteredApp = {
      name: a.name,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      robotCode,
      corpId: a.corpId,
      agentId: String(a.agentId),
      appId: appIdFor(a.clientId),
    };
    this.appsById.set(app.clientId, app);
    return app;
  }

  upsertUser(input: SimUser): RegisteredUser {
    const u = simUserSchema.parse(input);
    const user: RegisteredUser = {
      userId: u.userId,
      name: u.name,
      corpId: u.corpId,
      unionId: u.unionId ?? defaultUnionId(u.userId),
      isAdmin: u.isAdmin ?? false,
      external: u.external ?? false,
      ...(u.mobile === undefined ? {} : { mobile: u.mobile }),
      ...(u.email === undefined ? {} : { email: u.email }),
      ...(u.title === undefined ? {} : { title: u.title }),
    };
    this.usersById.set(user.userId, user);
    return user;
  }

  upsertGroup(input: SimGroup): RegisteredGroup {
    const g = simGroupSchema.parse(input);
    const group: RegisteredGroup = {
      openConversationId: g.openConversationId,
      title: g.title,
      memberUserIds: [...new Set(g.memberUserIds)],
      robotCodes: [...new Set(g.robotCodes)],
    };
    this.groupsById.set(group.openConversationId, group);
    return group;
  }

  app(clientId: string): RegisteredApp | undefined {
    return this.appsById.get(clientId);
  }

  appByRobotCode(robotCode: string): RegisteredApp | undefined {
    for (const a of this.appsById.values()) if (a.robotCode === robotCode) return a;
    return undefined;
  }

  user(userId: string): RegisteredUser | undefined {
    return this.usersById.get(userId);
  }

  userByUnionId(unionId: string): RegisteredUser | undefined {
    for (const u of this.usersById.values()) if (u.unionId === unionId) return u;
    return undefined;
  }

  group(openConversationId: string): RegisteredGroup | undefined {
    return this.groupsById.get(openConversationId);
  }

  apps(): RegisteredApp[] {
    return [...this.appsById.values()];
  }

  users(): RegisteredUser[] {
    return [...this.usersById.values()];
  }

  groups(): RegisteredGroup[] {
    return [...this.groupsById.values()];
  }

  groupsOfUser(userId: string): RegisteredGroup[] {
    return this.groups().filter((g) => g.memberUserIds.includes(userId));
  }
}
