import { newToken } from './ids.ts';

export type TokenCheck = { ok: true; clientId: string } | { ok: false; reason: 'unknown' | 'expired' };

/**
 * App access tokens. Both token endpoints share this store, and a token from
 * either is valid on both hosts (§d). Fetching again while a token is valid
 * returns the same token and extends it; after expiry a new one is issued.
 * Expired tokens are remembered so oapi can answer 42001 rather than 40014.
 */
export class TokenStore {
  private readonly current = new Map<string, { token: string; expiresAt: number }>();
  private readonly known = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(private readonly ttlSeconds: number) {}

  issue(clientId: string): { token: string; expiresIn: number } {
    const now = Date.now();
    const expiresAt = now + this.ttlSeconds * 1000;
    const cur = this.current.get(clientId);
    const token = cur && cur.expiresAt > now ? cur.token : newToken();
    this.current.set(clientId, { token, expiresAt });
    this.known.set(token, { clientId, expiresAt });
    return { token, expiresIn: this.ttlSeconds };
  }

  check(token: string | undefined | null): TokenCheck {
    if (!token) return { ok: false, reason: 'unknown' };
    const t = this.known.get(token);
    if (!t) return { ok: false, reason: 'unknown' };
    if (t.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
    return { ok: true, clientId: t.clientId };
  }

  /** Expires every token now (tests: the product must refresh and retry). */
  expireAll(): void {
    const now = Date.now();
    for (const t of this.known.values()) t.expiresAt = Math.min(t.expiresAt, now);
    for (const t of this.current.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }
}
