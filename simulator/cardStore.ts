/**
 * Interactive card state, kept per outTrackId (§e): the public cardParamMap
 * and per-user private data, plus the spaces the card was delivered to.
 */

export interface SimCardSpace {
  /** `IM_ROBOT` (1:1 with the robot) or `IM_GROUP` */
  spaceType: string;
  /** userId for IM_ROBOT, openConversationId for IM_GROUP */
  spaceId: string;
  conversationId: string;
  conversationType: '1' | '2';
}

export interface SimCard {
  outTrackId: string;
  cardTemplateId: string;
  appClientId: string;
  robotCode: string;
  callbackType: string;
  cardParamMap: Record<string, string>;
  /** userId → that user's private cardParamMap */
  privateData: Record<string, Record<string, string>>;
  spaces: SimCardSpace[];
  /** space types whose open-space model was given at creation (IM_ROBOT, IM_GROUP) */
  openSpaceModels: string[];
  createdAt: number;
  updatedAt: number;
  /** incremented on every change */
  version: number;
}

export type ParsedSpace = { spaceType: string; spaceId: string };

/**
 * `dtv1.card//IM_ROBOT.manager807;IM_GROUP.cidAsX==` → spaces. The id part may
 * itself contain dots (base64 conversation ids do not, userids may), so only
 * the first dot separates type from id. Returns undefined when malformed.
 */
export function parseOpenSpaceId(openSpaceId: string): ParsedSpace[] | undefined {
  const prefix = 'dtv1.card//';
  if (!openSpaceId.startsWith(prefix)) return undefined;
  const parts = openSpaceId
    .slice(prefix.length)
    .split(';')
    .map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p).trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const out: ParsedSpace[] = [];
  for (const p of parts) {
    const dot = p.indexOf('.');
    if (dot <= 0 || dot === p.length - 1) return undefined;
    out.push({ spaceType: p.slice(0, dot), spaceId: p.slice(dot + 1) });
  }
  return out;
}

/** `updateCardDataByKey: true` merges keys; otherwise the map is replaced (§e). */
export function applyParamMap(
  current: Record<string, string>,
  incoming: Record<string, string>,
  byKey: boolean,
): Record<string, string> {
  return byKey ? { ...current, ...incoming } : { ...incoming };
}

export class CardStore {
  private readonly cards = new Map<string, SimCard>();

  get(outTrackId: string): SimCard | undefined {
    return this.cards.get(outTrackId);
  }

  /** A deep copy for callers outside the simulator. */
  snapshot(outTrackId: string): SimCard | undefined {
    const c = this.cards.get(outTrackId);
    return c ? structuredClone(c) : undefined;
  }

  put(card: SimCard): void {
    this.cards.set(card.outTrackId, card);
  }

  forget(outTrackId: string): void {
    this.cards.delete(outTrackId);
  }

  list(): SimCard[] {
    return [...this.cards.values()];
  }

  /** Applies public and per-user private updates; returns the updated card. */
  update(
    card: SimCard,
    u: {
      cardParamMap?: Record<string, string>;
      privateData?: Record<string, Record<string, string>>;
      updateCardDataByKey: boolean;
      updatePrivateDataByKey: boolean;
    },
  ): SimCard {
    if (u.cardParamMap)
      card.cardParamMap = applyParamMap(card.cardParamMap, u.cardParamMap, u.updateCardDataByKey);
    for (const [userId, map] of Object.entries(u.privateData ?? {})) {
      card.privateData[userId] = applyParamMap(card.privateData[userId] ?? {}, map, u.updatePrivateDataByKey);
    }
    card.updatedAt = Date.now();
    card.version += 1;
    return card;
  }
}
