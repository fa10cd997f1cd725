import { z } from 'zod';
import { ApiError, api } from '../../api.ts';

/**
 * Customers and licences (server/directory/directory-routes.ts): GET /api/organisations, and the
 * directory file: POST /api/directory/validate (dry run) then POST /api/directory/import.
 */
const periodSchema = z.object({ kind: z.string(), from: z.string(), to: z.string() });
export type ServicePeriod = z.infer<typeof periodSchema>;

const licenceSchema = z.object({
  id: z.string(),
  productLine: z.string(),
  version: z.string().optional(),
  servicePeriods: z.array(periodSchema),
});
export type Licence = z.infer<typeof licenceSchema>;

const organisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string().optional(),
  branch: z.string().optional(),
  tier: z.string().optional(),
  licences: z.array(licenceSchema),
});
export type Organisation = z.infer<typeof organisationSchema>;

export const getOrganisations = () =>
  api('/api/organisations', z.object({ organisations: z.array(organisationSchema) }));

export const countedCollections = ['organisations', 'contacts', 'teams', 'staff'] as const;
const countsSchema = z.object({ created: z.number(), updated: z.number(), unchanged: z.number() });
const importResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    dryRun: z.boolean(),
    counts: z.object({
      organisations: countsSchema,
      contacts: countsSchema,
      teams: countsSchema,
      staff: countsSchema,
    }),
  }),
  z.object({ ok: z.literal(false), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
]);
export type ImportResult = z.infer<typeof importResultSchema>;

const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

/**
 * The file's check or import. A file with problems is answered 422 with `{ ok: false, issues }`
 * (not the usual error body), so that answer is a result here, not a failure; other failures
 * (not signed in, not an admin, not JSON…) are ApiErrors as everywhere else.
 */
async function postDirectory(path: string, file: unknown): Promise<ImportResult> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(file),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const json: unknown = await res.json().catch(() => undefined);
  const result = importResultSchema.safeParse(json);
  if (result.success && (res.ok || res.status === 422)) return result.data;
  const error = errorBodySchema.safeParse(json);
  if (error.success) {
    const e = error.data.error;
    throw new ApiError(res.status, e.code, e.message, e.issues ?? [], e.requestId);
  }
  throw new ApiError(res.status, res.status >= 500 ? 'internal' : 'badResponse', `HTTP ${res.status}`);
}

export const validateDirectory = (file: unknown) => postDirectory('/api/directory/validate', file);
export const importDirectory = (file: unknown) => postDirectory('/api/directory/import', file);
