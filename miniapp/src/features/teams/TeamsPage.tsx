import { Button, Input, Selector, Toast } from 'antd-mobile';
import { useState } from 'react';
import { type TicketType, ticketTypeNames, ticketTypes } from '../../../../shared/routing/ticket-types.ts';
import { ApiError, errorText } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { type Lang, type Translate, useI18n, useTexts } from '../../i18n.ts';
import {
  getTeamsAndRouting,
  putRouting,
  type RoutingConfig,
  type RoutingRule,
  type Team,
} from './teams-api.ts';
import { teamsTexts } from './texts.ts';

/**
 * 团队与路由 (admin): the teams of the directory, and the ordered routing
 * rules from the sorting centre to a team with the fallback team. Checked
 * here field by field and saved whole (PUT /api/routing); the server's
 * issues show under their fields.
 */
type TT = Translate<keyof typeof teamsTexts.zh>;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/;
const kindKeys = ['sorting', 'support', 'productCentre', 'branch'] as const;

interface Draft {
  key: string;
  id: string;
  name: string;
  types: string[];
  productLines: string;
  regions: string;
  teamId: string;
}

function toDraft(r: RoutingRule, i: number): Draft {
  return {
    key: `r${i}-${r.id}`,
    id: r.id,
    name: r.name,
    types: [...(r.match.types ?? [])],
    productLines: (r.match.productLines ?? []).join(', '),
    regions: (r.match.regions ?? []).join(', '),
    teamId: r.teamId,
  };
}

const listOf = (s: string) =>
  s
    .split(/[,，、\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

function fromDraft(d: Draft): RoutingRule {
  const productLines = listOf(d.productLines);
  const regions = listOf(d.regions);
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    match: {
      ...(d.types.length ? { types: d.types } : {}),
      ...(productLines.length ? { productLines } : {}),
      ...(regions.length ? { regions } : {}),
    },
    teamId: d.teamId,
  };
}

function problemsOf(drafts: readonly Draft[], fallback: string, tt: TT) {
  const out = new Map<string, string>();
  drafts.forEach((d, i) => {
    if (!d.name.trim() || d.name.trim().length > 100) out.set(`rules.${i}.name`, tt('problem.name'));
    if (!ID.test(d.id.trim())) out.set(`rules.${i}.id`, tt('problem.id'));
    else if (drafts.some((o, j) => j < i && o.id.trim() === d.id.trim()))
      out.set(`rules.${i}.id`, tt('problem.idTaken'));
    if (!d.teamId) out.set(`rules.${i}.teamId`, tt('problem.team'));
  });
  if (!fallback) out.set('fallbackTeamId', tt('problem.team'));
  return out;
}

/** "rules[0].match.types[1]" → "rules.0.match.types.1". */
const normalisePath = (path: string) => path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');

export function TeamsPage() {
  const { t } = useI18n();
  const load = useLoad(getTeamsAndRouting);
  return (
    <Shell title={t('feature.teams')} back>
      <Loaded load={load}>
        {(data) => (
          <>
            <TeamList teams={data.teams} />
            <RoutingEditor
              key={JSON.stringify(data.config)}
              teams={data.teams}
              config={data.config}
              onSaved={(config) => load.set({ teams: data.teams, config })}
            />
          </>
        )}
      </Loaded>
    </Shell>
  );
}

function kindName(kind: string, tt: TT): string {
  return (kindKeys as readonly string[]).includes(kind)
    ? tt(`kind.${kind as (typeof kindKeys)[number]}`)
    : kind;
}

function TeamList({ teams }: { teams: Team[] }) {
  const tt = useTexts(teamsTexts);
  return (
    <section className="card" data-testid="team-list">
      <h2 className="sub-title">{tt('teams')}</h2>
      <p className="muted">{tt('teamsHint')}</p>
      {teams.length === 0 ? (
        <p className="muted">{tt('noTeams')}</p>
      ) : (
        <ul className="plain-list">
          {teams.map((team) => (
            <li key={team.id} data-testid={`team-${team.id}`}>
              <strong>{team.name}</strong> <span className="muted">{kindName(team.kind, tt)}</span>
              <div className="muted">
                {team.id}
                {team.branch ? ` · ${team.branch}` : ''}
                {' · '}
                {tt('productLines')}: {team.productLines.join('、') || tt('any')}
                {' · '}
                {tt('regions')}: {team.regions.join('、') || tt('any')}
                {team.leadUserId ? ` · ${tt('lead')}: ${team.leadUserId}` : ''}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RoutingEditor(props: { teams: Team[]; config: RoutingConfig; onSaved: (c: RoutingConfig) => void }) {
  const { teams } = props;
  const { t, lang } = useI18n();
  const tt = useTexts(teamsTexts);
  const [drafts, setDrafts] = useState<Draft[]>(() => props.config.rules.map(toDraft));
  const [fallback, setFallback] = useState(props.config.fallbackTeamId);
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ issues: { path: string; message: string }[]; message?: string }>({
    issues: [],
  });
  const [saving, setSaving] = useState(false);
  const problems = problemsOf(drafts, fallback, tt);
  /** The first problem at a path or below it (a server issue on `rules.0.match.types.1` shows at `rules.0.match.types`). */
  const messageFor = (path: string, exact = false) =>
    (shown ? problems.get(path) : undefined) ??
    server.issues.find((i) => i.path === path || (!exact && i.path.startsWith(`${path}.`)))?.message;

  const changed = () => setServer({ issues: [] });
  const update = (i: number, change: (d: Draft) => Draft) => {
    setDrafts((ds) => ds.map((d, j) => (j === i ? change(d) : d)));
    changed();
  };
  const move = (i: number, by: -1 | 1) => {
    setDrafts((ds) => {
      const next = [...ds];
      const [d] = next.splice(i, 1);
      next.splice(i + by, 0, d!);
      return next;
    });
    changed();
  };
  const add = () => {
    let n = drafts.length + 1;
    while (drafts.some((d) => d.id === `rule-${n}`)) n++;
    setDrafts((ds) => [
      ...ds,
      {
        key: `new-${Date.now()}`,
        id: `rule-${n}`,
        name: tt('newRule'),
        types: [],
        productLines: '',
        regions: '',
        teamId: '',
      },
    ]);
    changed();
  };

  const save = async () => {
    setShown(true);
    if (problems.size > 0) {
      Toast.show({ icon: 'fail', content: t('common.fixErrors') });
      return;
    }
    setSaving(true);
    try {
      const { config } = await putRouting({ rules: drafts.map(fromDraft), fallbackTeamId: fallback });
      Toast.show({ icon: 'success', content: tt('saved') });
      props.onSaved(config);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      setServer({
        issues: issues.map((i) => ({ path: normalisePath(i.path), message: i.message })),
        message: errorText(err, t),
      });
    } finally {
      setSaving(false);
    }
  };

  const teamOptions = teams.map((team) => ({ label: team.name, value: team.id, description: team.id }));
  return (
    <section className="card" data-testid="routing-editor">
      <h2 className="sub-title">{tt('routing')}</h2>
      <p className="muted">{tt('routingHint')}</p>
      {drafts.length === 0 && <p className="muted">{tt('noRules')}</p>}
      {drafts.map((d, i) => (
        <RuleForm
          key={d.key}
          draft={d}
          index={i}
          count={drafts.length}
          lang={lang}
          teamOptions={teamOptions}
          messageFor={messageFor}
          update={(c) => update(i, c)}
          move={(by) => move(i, by)}
          remove={() => {
            setDrafts((ds) => ds.filter((_, j) => j !== i));
            changed();
          }}
        />
      ))}
      <div className="form">
        <div className="field" data-testid="fallback-team">
          <span className="field-label">{tt('field.fallback')}</span>
          <Selector
            columns={2}
            value={fallback ? [fallback] : []}
            onChange={(v) => {
              setFallback(v[0] ?? '');
              changed();
            }}
            options={teamOptions}
          />
          <span className="muted">{tt('field.fallbackHint')}</span>
          <FieldError message={messageFor('fallbackTeamId')} />
        </div>
      </div>
      <div className="form-actions">
        <Button block fill="outline" onClick={add} data-testid="add-rule">
          + {tt('addRule')}
        </Button>
        {server.message && <FieldError message={server.message} testId="routing-error" />}
        <Button block color="primary" loading={saving} onClick={save} data-testid="save-routing">
          {t('common.save')}
        </Button>
      </div>
    </section>
  );
}

function RuleForm(props: {
  draft: Draft;
  index: number;
  count: number;
  lang: Lang;
  teamOptions: { label: string; value: string }[];
  messageFor: (path: string, exact?: boolean) => string | undefined;
  update: (change: (d: Draft) => Draft) => void;
  move: (by: -1 | 1) => void;
  remove: () => void;
}) {
  const { draft: d, index: i, lang, messageFor, update } = props;
  const tt = useTexts(teamsTexts);
  const field = (path: string) => messageFor(`rules.${i}.${path}`);
  return (
    <div className="form rule" data-testid={`rule-${i}`} data-rule-id={d.id}>
      <div className="card-head">
        <strong>{tt('rule', { n: i + 1 })}</strong>
        <span>
          <Button size="mini" fill="none" disabled={i === 0} onClick={() => props.move(-1)}>
            ↑ {tt('up')}
          </Button>
          <Button size="mini" fill="none" disabled={i === props.count - 1} onClick={() => props.move(1)}>
            ↓ {tt('down')}
          </Button>
          <Button size="mini" fill="none" color="danger" onClick={props.remove}>
            {tt('remove')}
          </Button>
        </span>
      </div>
      <div className="field">
        <span className="field-label">{tt('field.name')}</span>
        <Input
          aria-label={tt('field.name')}
          value={d.name}
          onChange={(v) => update((x) => ({ ...x, name: v }))}
        />
        <FieldError message={field('name')} />
      </div>
      <div className="field">
        <span className="field-label">{tt('field.id')}</span>
        <Input aria-label={tt('field.id')} value={d.id} onChange={(v) => update((x) => ({ ...x, id: v }))} />
        <FieldError message={field('id')} />
      </div>
      <div className="field">
        <span className="field-label">{tt('field.types')}</span>
        <Selector
          multiple
          columns={4}
          value={d.types}
          onChange={(v) => update((x) => ({ ...x, types: v }))}
          options={ticketTypes.map((type: TicketType) => ({
            label: ticketTypeNames[type][lang],
            value: type,
          }))}
        />
        <FieldError message={field('match.types')} />
      </div>
      <div className="field">
        <span className="field-label">{tt('field.productLines')}</span>
        <Input
          aria-label={tt('field.productLines')}
          placeholder={tt('listPlaceholder')}
          value={d.productLines}
          onChange={(v) => update((x) => ({ ...x, productLines: v }))}
        />
        <FieldError message={field('match.productLines')} />
      </div>
      <div className="field">
        <span className="field-label">{tt('field.regions')}</span>
        <Input
          aria-label={tt('field.regions')}
          placeholder={tt('listPlaceholder')}
          value={d.regions}
          onChange={(v) => update((x) => ({ ...x, regions: v }))}
        />
        <FieldError message={field('match.regions')} />
      </div>
      <FieldError message={messageFor(`rules.${i}.match`, true) ?? messageFor(`rules.${i}`, true)} />
      <div className="field">
        <span className="field-label">{tt('field.team')}</span>
        <Selector
          columns={2}
          value={d.teamId ? [d.teamId] : []}
          onChange={(v) => update((x) => ({ ...x, teamId: v[0] ?? '' }))}
          options={props.teamOptions}
        />
        <FieldError message={field('teamId')} />
      </div>
    </div>
  );
}
