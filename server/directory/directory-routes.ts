import { recordAudit } from '../audit/audit-log.ts';
import { callerOf } from '../auth/caller.ts';
import { anyStaff } from '../auth/roles.ts';
import type { ApiRouter } from '../auth/route-policy.ts';
import type { Db } from '../db/mongo.ts';
import { readJson } from '../http/body.ts';
import { listTeams } from './directory-service.ts';
import { importDirectory } from './import-directory.ts';
import { type OrganisationDoc, organisationModel, toOrganisation } from './organisation-model.ts';

/**
 * The directory on the admin screens (客户与授权, 团队与路由):
 *
 *   GET  /api/organisations     admin: every organisation with region, branch, tier, licences and service periods
 *   GET  /api/teams             staff: the teams (transfer targets, routing rules)
 *   POST /api/directory/import  admin: the CLI's import file; checked whole first (nothing half-saved), audited
 *
 * The dry run is POST /api/directory/validate (server/http/app.ts). Lists scan on the embedded
 * database (a few hundred organisations at most): admin screens only.
 */
export function addDirectoryRoutes(
  router: ApiRouter,
  deps: { db: Db; now: () => Date; productLines: readonly string[] },
): void {
  const { db } = deps;
  router.get('/api/organisations', { allow: ['admin'] }, async (ctx) => {
    const docs = (await organisationModel(db)
      .find({})
      .sort({ _id: 1 })
      .limit(2000)
      .lean()) as OrganisationDoc[];
    ctx.body = {
      organisations: docs.map((d) => {
        const o = toOrganisation(d);
        return {
          id: o.id,
          name: o.name,
          ...(o.region ? { region: o.region } : {}),
          branch: o.branch,
          tier: o.contractTier,
          licences: (o.licences ?? []).map((l) => ({
            id: l.id,
            productLine: l.productLine,
            ...(l.version ? { version: l.version } : {}),
            servicePeriods: (l.servicePeriods ?? []).map((p) => ({ kind: p.kind, from: p.from, to: p.to })),
          })),
        };
      }),
    };
  });

  router.get('/api/teams', { allow: anyStaff }, async (ctx) => {
    const teams = await listTeams(db);
    ctx.body = {
      teams: teams.map((t) => ({
        id: t.id,
        name: t.name,
        kind: t.kind,
        productLines: t.productLines ?? [],
        regions: t.regions ?? [],
        ...(t.groupConversationId ? { groupConversationId: t.groupConversationId } : {}),
        ...(t.leadUserId ? { leadUserId: t.leadUserId } : {}),
        ...(t.branch ? { branch: t.branch } : {}),
      })),
    };
  });

  router.post('/api/directory/import', { allow: ['admin'] }, async (ctx) => {
    const caller = callerOf(ctx);
    const file = await readJson(ctx);
    const result = await importDirectory(db, file, { productLines: deps.productLines });
    if (!result.ok) {
      ctx.status = 422;
      ctx.body = result;
      return;
    }
    await recordAudit(db, {
      at: deps.now(),
      by: caller.userId,
      subject: 'directory',
      action: 'import',
      before: null,
      after: { counts: result.counts, ids: idsIn(file) },
    });
    ctx.body = result;
  });
}

/** The ids a directory file names (for the audit entry; the file itself can be large). */
function idsIn(file: unknown): Record<string, string[]> {
  const f = (file ?? {}) as Record<string, unknown>;
  const list = (key: string, id: string) =>
    Array.isArray(f[key])
      ? (f[key] as Array<Record<string, unknown>>).map((x) => String(x?.[id] ?? '')).filter(Boolean)
      : [];
  return {
    organisations: list('organisations', 'id'),
    teams: list('teams', 'id'),
    staff: list('staff', 'userId'),
  };
}
