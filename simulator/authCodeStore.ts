import { newToken } from './ids.ts';

/** 免登 temporary auth codes: valid 5 minutes, usable once (§g). */
export class AuthCodeStore {
  private readonly codes = new Map<string, { userId: string; expiresAt: number }>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  issue(userId: string): string {
    this.prune();
    const code = newToken(16);
    this.codes.set(code, { userId, expiresAt: Date.now() + this.ttlMs });
    return code;
  }

  /** The code's user; the code is spent either way. */
  consume(code: string): string | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    if (!c || c.expiresAt <= Date.now()) return undefined;
    return c.userId;
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
  }
}
