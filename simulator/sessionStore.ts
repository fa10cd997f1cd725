import { newToken } from './ids.ts';

export interface RobotSession {
  session: string;
  appClientId: string;
  robotCode: string;
  conversationId: string;
  conversationType: '1' | '2';
  /** 1:1: the user; group: the last sender */
  userId: string;
  expiresAt: number;
}

/**
 * sessionWebhook sessions. One session per (robot, conversation): the same URL
 * is reused across the messages of a conversation, each message moving the
 * expiry to its createAt + TTL (§c1). Per-conversation for groups too — the
 * reference leaves per-sender open; per-conversation is the simpler reading.
 */
export class SessionStore {
  private readonly byKey = new Map<string, RobotSession>();
  private readonly byId = new Map<string, RobotSession>();

  constructor(private readonly ttlMs: number) {}

  touch(p: Omit<RobotSession, 'session' | 'expiresAt'> & { createAt: number }): RobotSession {
    const key = `${p.robotCode}\u0000${p.conversationId}`;
    let s = this.byKey.get(key);
    if (!s) {
      s = { ...p, session: newToken(), expiresAt: 0 };
      this.byKey.set(key, s);
      this.byId.set(s.session, s);
    }
    s.userId = p.userId;
    s.expiresAt = p.createAt + this.ttlMs;
    return s;
  }

  /** The live session, or undefined when unknown or expired. */
  get(session: string): RobotSession | undefined {
    const s = this.byId.get(session);
    if (!s || s.expiresAt <= Date.now()) return undefined;
    return s;
  }
}
