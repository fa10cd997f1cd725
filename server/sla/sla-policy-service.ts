import mongoose from 'mongoose';
import {
  defaultSlaPolicy,
  parseSlaPolicies,
  parseSlaPolicy,
  type SlaPolicy,
} from '../../shared/sla/policy.ts';
import { type Db, model } from '../db/mongo.ts';

/**
 * The deployment's SLA policies (one default, others per contract tier),
 * stored as one document so the set is always valid as a whole (exactly one
 * default, unique tiers). Changed through the API or the CLI
 * (`npm run desk -- sla-policies …`); tickets keep the policy id they were
 * timed with, and a change applies to tickets filed or re-levelled after it.
 */
interface PolicySetDoc {
  _id: string;
  policies: SlaPolicy[];
  version: number;
  updatedAt: Date;
  updatedBy?: string;
}

const policySetSchema = new mongoose.Schema<PolicySetDoc>(
  { _id: String, policies: mongoose.Schema.Types.Mixed, version: Number, updatedAt: Date, updatedBy: String },
  { versionKey: false, minimize: false },
);

export function policySetModel(db: Db) {
  return model<PolicySetDoc>(db, 'SlaPolicySet', policySetSchema);
}

const setId = 'policies';

export class SlaPolicyService {
  private cached: { at: number; policies: SlaPolicy[]; version: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 10_000,
  ) {}

  async list(): Promise<{ policies: SlaPolicy[]; version: number }> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached;
    const doc = await policySetModel(this.db).findById(setId).lean();
    this.cached = {
      at: now,
      policies: (doc?.policies as SlaPolicy[]) ?? [defaultSlaPolicy],
      version: doc?.version ?? 0,
    };
    return this.cached;
  }

  async byId(id: string): Promise<SlaPolicy | undefined> {
    return (await this.list()).policies.find((p) => p.id === id);
  }

  /** Replaces the whole set; a DomainError('validation') names each bad field. */
  async replaceAll(input: unknown, by: string, now: Date): Promise<SlaPolicy[]> {
    const policies = parseSlaPolicies(input);
    await this.store(policies, by, now);
    return policies;
  }

  /** Adds or replaces one policy (by id); the resulting set is validated as a whole. */
  async upsert(input: unknown, by: string, now: Date): Promise<SlaPolicy[]> {
    const policy = parseSlaPolicy(input);
    const { policies } = await this.list();
    const next = parseSlaPolicies([...policies.filter((p) => p.id !== policy.id), policy]);
    await this.store(next, by, now);
    return next;
  }

  private async store(policies: SlaPolicy[], by: string, now: Date): Promise<void> {
    this.cached = undefined;
    const current = await this.list();
    await policySetModel(this.db).replaceOne(
      { _id: setId },
      { _id: setId, policies, version: current.version + 1, updatedAt: now, updatedBy: by },
      { upsert: true },
    );
    this.cached = undefined;
  }
}
