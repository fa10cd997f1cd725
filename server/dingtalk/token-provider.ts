import { DingTalkError } from './errors.ts';

/**
 * The app access token (platform reference §d): fetched once, cached, renewed
 * five minutes before expiry or when a call reports it invalid. Concurrent
 * callers share one request.
 */
export class TokenProvider {
  private token: { value: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly apiBase: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - 5 * 60_000 > this.now()) return this.token.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  invalidate(): void {
    this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const res = await fetch(`${this.apiBase}/v1.0/oauth2/accessToken`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ appKey: this.clientId, appSecret: this.clientSecret }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      accessToken?: string;
      expireIn?: number;
      code?: string;
      message?: string;
    };
    if (!res.ok || !body.accessToken) {
      throw new DingTalkError(
        'oauth2/accessToken',
        body.code ?? String(res.status),
        body.message ?? 'no token',
        res.status,
      );
    }
    this.token = { value: body.accessToken, expiresAt: this.now() + (body.expireIn ?? 7200) * 1000 };
    return body.accessToken;
  }
}
