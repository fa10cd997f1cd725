import type { Db } from '../db/mongo.ts';
import { listTeams, type WhoIs, whoIs } from './directory-service.ts';
import type { Team } from './team-model.ts';

/**
 * The directory as the bot reads it on every turn, cached for `ttlMs`: who
 * a sender is and which teams exist change rarely (an import, an admin
 * edit), and every chat turn needs them. A change takes effect within the
 * TTL (30 s by default) in every process.
 */
export class DirectoryCache {
  private readonly people = new Map<string, { at: number; value: Promise<WhoIs> }>();
  private teams: { at: number; value: Promise<Team[]> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  whoIs(userId: string): Promise<WhoIs> {
    const now = this.clock();
    const hit = this.people.get(userId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = whoIs(this.db, userId);
    this.people.set(userId, { at: now, value });
    value.catch(() => this.people.delete(userId));
    if (this.people.size > 50_000) this.people.delete(this.people.keys().next().value!);
    return value;
  }

  listTeams(): Promise<Team[]> {
    const now = this.clock();
    if (this.teams && now - this.teams.at < this.ttlMs) return this.teams.value;
    const value = listTeams(this.db);
    this.teams = { at: now, value };
    value.catch(() => {
      this.teams = undefined;
    });
    return value;
  }

  clear(): void {
    this.people.clear();
    this.teams = undefined;
  }
}
