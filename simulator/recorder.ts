/**
 * The ordered log of everything that crossed the simulated platform: what
 * users said and every message, card and notice the product sent. Tests query
 * it; the chat page renders transcripts from it.
 */

export interface SimAt {
  atUserIds: string[];
  atMobiles: string[];
  isAtAll: boolean;
}

export interface SimButton {
  title: string;
  url: string;
}

/** Message content normalised across the three send paths (webhook, msgKey, work notice). */
export type SimContent =
  | { type: 'text'; text: string; at?: SimAt }
  | { type: 'markdown'; title: string; text: string; at?: SimAt }
  | { type: 'actionCard'; title: string; text: string; btnOrientation: '0' | '1'; buttons: SimButton[] }
  | { type: 'link'; title: string; text: string; messageUrl: string; picUrl?: string }
  | { type: 'feedCard'; links: { title: string; messageUrl: string; picUrl?: string }[] }
  | { type: 'image'; url: string }
  | { type: 'picture'; downloadCode: string }
  | { type: 'file'; fileName: string; downloadCode?: string; mediaId?: string }
  | { type: 'media'; msgtype: string; fields: Record<string, string> }
  | { type: 'oa'; title: string; text: string; messageUrl?: string }
  | {
      type: 'card';
      outTrackId: string;
      cardTemplateId: string;
      cardParamMap: Record<string, string>;
      privateData: Record<string, Record<string, string>>;
      spaceType?: string;
      spaceId?: string;
    }
  | {
      type: 'cardCallback';
      outTrackId: string;
      actionIds: string[];
      params: Record<string, unknown>;
      response: unknown;
      applied: boolean;
      error?: string;
    };

export type SimRecordKind =
  | 'inbound'
  | 'reply'
  | 'otoSend'
  | 'groupSend'
  | 'cardCreate'
  | 'cardDeliver'
  | 'cardUpdate'
  | 'cardCallback'
  | 'workNotice';

export const recordKinds: readonly SimRecordKind[] = [
  'inbound',
  'reply',
  'otoSend',
  'groupSend',
  'cardCreate',
  'cardDeliver',
  'cardUpdate',
  'cardCallback',
  'workNotice',
];

export interface SimRecord {
  seq: number;
  /** ms since epoch */
  time: number;
  kind: SimRecordKind;
  /** the app that sent it (outbound) or whose robot received it (inbound) */
  appClientId?: string;
  robotCode?: string;
  conversationId?: string;
  conversationType?: '1' | '2';
  /** the recipient (outbound 1:1, work notice), the sender (inbound) or the clicking user (card callback) */
  userId?: string;
  outTrackId?: string;
  /** inbound only: the robot message id */
  msgId?: string;
  /** inbound only: false when the robot did not receive it (group message without @robot) */
  delivered?: boolean;
  content: SimContent;
  /** the request body as the product sent it (or the callback data), for exact assertions */
  raw?: unknown;
}

export interface RecordFilter {
  conversationId?: string;
  userId?: string;
  kind?: string;
  /** records with seq greater than this */
  sinceSeq?: number;
}

/** Oldest records are dropped beyond this, so a long-running simulator stays bounded. */
const maxRecords = 100_000;

export class Recorder {
  private readonly items: SimRecord[] = [];
  private seq = 0;
  private readonly listeners = new Set<(r: SimRecord) => void>();

  add(r: Omit<SimRecord, 'seq' | 'time'>): SimRecord {
    this.seq += 1;
    const rec: SimRecord = { seq: this.seq, time: Date.now(), ...r };
    this.items.push(rec);
    if (this.items.length > maxRecords) this.items.splice(0, this.items.length - maxRecords);
    for (const l of [...this.listeners]) {
      try {
        l(rec);
      } catch {
        // a failing listener must not break recording
      }
    }
    return rec;
  }

  lastSeq(): number {
    return this.seq;
  }

  list(filter: RecordFilter = {}): SimRecord[] {
    return this.items.filter((r) => matches(r, filter));
  }

  subscribe(listener: (r: SimRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** First record (existing or future) matching pred; rejects after timeoutMs. */
  waitFor(pred: (r: SimRecord) => boolean, timeoutMs = 5000): Promise<SimRecord> {
    const existing = this.items.find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`waitFor: no matching record within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.subscribe((r) => {
        if (!pred(r)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(r);
      });
    });
  }
}

function matches(r: SimRecord, f: RecordFilter): boolean {
  if (f.sinceSeq !== undefined && r.seq <= f.sinceSeq) return false;
  if (f.conversationId !== undefined && r.conversationId !== f.conversationId) return false;
  if (f.userId !== undefined && r.userId !== f.userId) return false;
  if (f.kind !== undefined && r.kind !== f.kind) return false;
  return true;
}
