/**
 * Domain errors carry a stable code; transports map the code once:
 * HTTP status + JSON body in server/http/errors.ts, a friendly zh-CN reply in
 * bot/replies/errors.ts. Messages here are for logs and API clients.
 */
export const errorCodes = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  invalidTransition: 409,
  unregisteredSender: 403,
  notEntitled: 403,
  payloadTooLarge: 413,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface ErrorIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly issues: ErrorIssue[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; issues?: ErrorIssue[] } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = opts.details;
    this.issues = opts.issues;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/** zod issues → our flat issue list ("orgs[2].contacts[0].userId: 必填"). */
export function issuesFromZod(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): ErrorIssue[] {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}
