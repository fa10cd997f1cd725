import type { Simulator } from '../../../simulator/simulator.ts';

/**
 * A browser-like client of the desk's API for the auth tests: keeps the
 * session cookie it is given, follows rotations (a new Set-Cookie), and
 * reports the headers the policy layer sets.
 */
export interface Answer {
  status: number;
  json: unknown;
  setCookie: string[];
  deniedBy: string | null;
  authReason: string | null;
}

export class Client {
  cookie: string | undefined;

  constructor(
    readonly baseUrl: string,
    cookie?: string,
  ) {
    this.cookie = cookie;
  }

  async call(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (this.cookie) headers.cookie = `desk_session=${this.cookie}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    const setCookie = res.headers.getSetCookie();
    const token = sessionTokenIn(setCookie);
    if (token !== undefined) this.cookie = token || undefined;
    return {
      status: res.status,
      json,
      setCookie,
      deniedBy: res.headers.get('x-denied-by'),
      authReason: res.headers.get('x-auth-reason'),
    };
  }
}

/** The desk_session value a response sets ('' when it clears it), or undefined. */
export function sessionTokenIn(setCookie: string[]): string | undefined {
  for (const c of setCookie) {
    const m = /^desk_session=([^;]*)/.exec(c);
    if (m) return m[1] ?? '';
  }
  return undefined;
}

/** Signs a DingTalk user in through 免登 (a code from the simulator, as requestAuthCode gives). */
export async function signedIn(sim: Simulator, baseUrl: string, userId: string): Promise<Client> {
  const client = new Client(baseUrl);
  const a = await client.call('POST', '/api/auth/dingtalk', { body: { authCode: sim.authCode(userId) } });
  if (a.status !== 200 || !client.cookie) {
    throw new Error(`sign-in of ${userId} failed: ${a.status} ${JSON.stringify(a.json)}`);
  }
  return client;
}
