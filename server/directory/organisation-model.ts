import mongoose from 'mongoose';
import type { Licence } from '../../shared/schemas/directory-import.ts';
import { servicePeriodKinds } from '../../shared/schemas/directory-import.ts';
import { type Db, model } from '../db/mongo.ts';
import { withoutNulls } from './without-nulls.ts';

/** A customer organisation (甲方) with its licences; `_id` is the id from the directory file. */
export interface OrganisationDoc {
  _id: string;
  name: string;
  region?: string;
  /** The vendor branch responsible for after-hours service (default 西安分公司). */
  branch: string;
  contractTier: string;
  licences: Licence[];
  /** Staff who took part in the implementation: qualified for on-site bookings. */
  implementationStaffIds?: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Organisation extends Omit<OrganisationDoc, '_id'> {
  id: string;
}

const servicePeriodSchema = new mongoose.Schema(
  {
    kind: { type: String, enum: servicePeriodKinds, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
  },
  { _id: false },
);

const licenceSchema = new mongoose.Schema(
  {
    id: { type: String, required: true },
    productLine: { type: String, required: true },
    version: String,
    servicePeriods: { type: [servicePeriodSchema], default: [] },
  },
  { _id: false },
);

const schema = new mongoose.Schema<OrganisationDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    region: String,
    branch: { type: String, required: true },
    contractTier: { type: String, required: true },
    licences: { type: [licenceSchema], default: [] },
    implementationStaffIds: { type: [String], default: [] },
  },
  { collection: 'organisations', timestamps: true, versionKey: false },
);
schema.index({ name: 1 });

export function organisationModel(db: Db) {
  return model(db, 'Organisation', schema);
}

export function toOrganisation(doc: OrganisationDoc): Organisation {
  const { _id, licences, ...rest } = doc;
  return {
    id: _id,
    ...withoutNulls(rest),
    licences: licences.map((l) => ({
      ...withoutNulls(l),
      servicePeriods: l.servicePeriods.map(withoutNulls),
    })),
  };
}
