/** A failed DingTalk call, in either error family (platform reference §h). */
export class DingTalkError extends Error {
  constructor(
    readonly api: string,
    /** OpenAPI `code` or oapi `errcode`, as a string. */
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${api}: ${code} ${message}`);
    this.name = 'DingTalkError';
  }

  /** Token missing, invalid or expired: refresh and retry once. */
  get isAuth(): boolean {
    return this.code === 'InvalidAuthentication' || this.code === '40014' || this.code === '42001';
  }

  /** The sessionWebhook is gone: fall back to the proactive API. */
  get isSessionExpired(): boolean {
    return this.code === '300001';
  }
}
