import { Button, Dialog, Input, Selector, Tabs, Toast } from 'antd-mobile';
import { useState } from 'react';
import {
  isOpenStatus,
  statusNames,
  type TicketStatus,
  ticketStatuses,
} from '../../../../shared/ticket/status.ts';
import { ApiError, errorText } from '../../api.ts';
import { FieldError } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { type Lang, type Translate, useI18n, useTexts } from '../../i18n.ts';
import { getPolicies, type LevelKey, levelKeys, putPolicies, type SlaPolicy } from './sla-api.ts';
import { slaTexts } from './texts.ts';

/**
 * SLA 策略 (admin): per response level the first-response, next-update and
 * resolution budgets, the at-risk ratio and the statuses that pause the
 * clock — the default policy and one per contract tier. The set is checked
 * here field by field and saved whole (PUT /api/sla/policies).
 */
const targets = ['firstResponseMinutes', 'nextUpdateMinutes', 'resolutionMinutes'] as const;
type Target = (typeof targets)[number];
const pausable = ticketStatuses.filter(isOpenStatus);
const levelNames: Record<LevelKey, { zh: string; en: string }> = {
  '1': { zh: '一级', en: 'L1' },
  '2': { zh: '二级', en: 'L2' },
  '3': { zh: '三级', en: 'L3' },
  '4': { zh: '四级', en: 'L4' },
  '5': { zh: '五级', en: 'L5' },
};

interface Draft {
  key: string;
  isNew: boolean;
  id: string;
  name: string;
  tier: string;
  isDefault: boolean;
  levels: Record<LevelKey, Record<Target, string>>;
  atRiskRatio: string;
  paused: string[];
  onSite: string;
}

function toDraft(p: SlaPolicy, i: number): Draft {
  const levels = Object.fromEntries(
    levelKeys.map((l) => [
      l,
      Object.fromEntries(targets.map((t) => [t, p.levels[l][t] === undefined ? '' : String(p.levels[l][t])])),
    ]),
  ) as Draft['levels'];
  return {
    key: `p${i}-${p.id}`,
    isNew: false,
    id: p.id,
    name: p.name,
    tier: p.tier ?? '',
    isDefault: p.tier === undefined,
    levels,
    atRiskRatio: String(p.atRiskRatio),
    paused: [...p.pausedStatuses],
    onSite: String(p.onSiteCalendarHours),
  };
}

function fromDraft(d: Draft): SlaPolicy {
  const levels = Object.fromEntries(
    levelKeys.map((l) => {
      const t = d.levels[l];
      return [
        l,
        {
          firstResponseMinutes: Number(t.firstResponseMinutes),
          ...(t.nextUpdateMinutes.trim() ? { nextUpdateMinutes: Number(t.nextUpdateMinutes) } : {}),
          ...(t.resolutionMinutes.trim() ? { resolutionMinutes: Number(t.resolutionMinutes) } : {}),
        },
      ];
    }),
  ) as SlaPolicy['levels'];
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    ...(d.isDefault ? {} : { tier: d.tier.trim() }),
    levels,
    atRiskRatio: Number(d.atRiskRatio),
    pausedStatuses: d.paused,
    onSiteCalendarHours: Number(d.onSite),
  };
}

const wholeIn = (s: string, min: number, max: number) => /^\d+$/.test(s.trim()) && +s >= min && +s <= max;

/** Problems by `${policyIndex}.${path}` (the server's issue paths, normalised the same way). */
function problemsOf(drafts: readonly Draft[], st: Translate<keyof typeof slaTexts.zh>) {
  const out = new Map<string, string>();
  drafts.forEach((d, i) => {
    if (!d.name.trim() || d.name.trim().length > 60) out.set(`${i}.name`, st('problem.name'));
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/.test(d.id.trim())) out.set(`${i}.id`, st('problem.id'));
    else if (drafts.some((o, j) => j < i && o.id.trim() === d.id.trim()))
      out.set(`${i}.id`, st('problem.idTaken'));
    if (!d.isDefault) {
      if (!d.tier.trim()) out.set(`${i}.tier`, st('problem.tier'));
      else if (drafts.some((o, j) => j < i && !o.isDefault && o.tier.trim() === d.tier.trim()))
        out.set(`${i}.tier`, st('problem.tierTaken'));
    }
    for (const l of levelKeys) {
      const t = d.levels[l];
      for (const target of targets) {
        const v = t[target];
        if (target !== 'firstResponseMinutes' && !v.trim()) continue;
        if (!wholeIn(v, 1, 525_600)) out.set(`${i}.levels.${l}.${target}`, st('problem.budget'));
      }
      if (
        wholeIn(t.firstResponseMinutes, 1, 525_600) &&
        wholeIn(t.resolutionMinutes, 1, 525_600) &&
        +t.resolutionMinutes < +t.firstResponseMinutes
      )
        out.set(
          `${i}.levels.${l}.resolutionMinutes`,
          st('problem.resolutionShort', { n: t.firstResponseMinutes }),
        );
    }
    const r = Number(d.atRiskRatio);
    if (!d.atRiskRatio.trim() || !(r > 0 && r < 1)) out.set(`${i}.atRiskRatio`, st('problem.ratio'));
    if (!wholeIn(d.onSite, 1, 720)) out.set(`${i}.onSiteCalendarHours`, st('problem.onSite'));
  });
  return out;
}

/** "[0].levels.2.resolutionMinutes" → "0.levels.2.resolutionMinutes". */
function normalisePath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

export function SlaPoliciesPage() {
  const { t } = useI18n();
  const load = useLoad(getPolicies);
  return (
    <Shell title={t('feature.sla')} back>
      <Loaded load={load}>
        {(data) => (
          <PolicyEditor key={JSON.stringify(data.policies)} policies={data.policies} onSaved={load.set} />
        )}
      </Loaded>
    </Shell>
  );
}

function PolicyEditor({
  policies,
  onSaved,
}: {
  policies: SlaPolicy[];
  onSaved: (data: { policies: SlaPolicy[] }) => void;
}) {
  const { t, lang } = useI18n();
  const st = useTexts(slaTexts);
  const [drafts, setDrafts] = useState<Draft[]>(() => policies.map(toDraft));
  const [active, setActive] = useState(drafts[0]?.key ?? '');
  const [shown, setShown] = useState(false);
  const [server, setServer] = useState<{ byPath: Map<string, string>; message?: string }>({
    byPath: new Map(),
  });
  const [saving, setSaving] = useState(false);
  const problems = problemsOf(drafts, st);
  const messageFor = (path: string) => (shown ? problems.get(path) : undefined) ?? server.byPath.get(path);

  const update = (i: number, change: (d: Draft) => Draft) => {
    setDrafts((ds) => ds.map((d, j) => (j === i ? change(d) : d)));
    setServer({ byPath: new Map() });
  };

  const save = async () => {
    setShown(true);
    if (problems.size > 0) {
      const first = Number([...problems.keys()][0]!.split('.')[0]);
      if (drafts[first]) setActive(drafts[first].key);
      Toast.show({ icon: 'fail', content: t('common.fixErrors') });
      return;
    }
    setSaving(true);
    try {
      const saved = await putPolicies(drafts.map(fromDraft));
      Toast.show({ icon: 'success', content: st('saved') });
      onSaved(saved);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      setServer({
        byPath: new Map(issues.map((i) => [normalisePath(i.path), i.message])),
        message: errorText(err, t),
      });
    } finally {
      setSaving(false);
    }
  };

  const addTier = () => {
    const base = drafts.find((d) => d.isDefault) ?? drafts[0]!;
    const n = drafts.length;
    const draft: Draft = {
      ...structuredClone(base),
      key: `new-${Date.now()}`,
      isNew: true,
      isDefault: false,
      id: `tier-${n}`,
      name: st('newPolicy'),
      tier: '',
    };
    setDrafts((ds) => [...ds, draft]);
    setActive(draft.key);
  };

  return (
    <div data-testid="sla-editor">
      <p className="muted">{st('hint')}</p>
      <Tabs activeKey={active} onChange={setActive}>
        {drafts.map((d, i) => (
          <Tabs.Tab
            key={d.key}
            title={d.isDefault ? `${d.name}（${st('default')}）` : st('tier', { tier: d.tier || '…' })}
          >
            <PolicyForm
              draft={d}
              index={i}
              lang={lang}
              messageFor={messageFor}
              update={(c) => update(i, c)}
            />
            {!d.isDefault && (
              <Button
                block
                fill="none"
                color="danger"
                onClick={async () => {
                  if (!(await Dialog.confirm({ content: st('removeConfirm', { name: d.name }) }))) return;
                  setDrafts((ds) => ds.filter((_, j) => j !== i));
                  setActive(drafts[0]!.key);
                }}
              >
                {st('remove')}
              </Button>
            )}
          </Tabs.Tab>
        ))}
      </Tabs>
      <div className="form-actions">
        <Button block fill="outline" onClick={addTier}>
          + {st('addTier')}
        </Button>
        {server.message && <FieldError message={server.message} testId="sla-error" />}
        <Button block color="primary" loading={saving} onClick={save} data-testid="save-sla">
          {t('common.save')}
        </Button>
      </div>
    </div>
  );
}

function PolicyForm(props: {
  draft: Draft;
  index: number;
  lang: Lang;
  messageFor: (path: string) => string | undefined;
  update: (change: (d: Draft) => Draft) => void;
}) {
  const { draft: d, index: i, lang, messageFor, update } = props;
  const st = useTexts(slaTexts);
  const field = (path: string) => messageFor(`${i}.${path}`);
  return (
    <div className="form" data-testid={`policy-${d.id}`}>
      <div className="field">
        <span className="field-label">{st('field.name')}</span>
        <Input
          aria-label={st('field.name')}
          value={d.name}
          onChange={(v) => update((x) => ({ ...x, name: v }))}
        />
        <FieldError message={field('name')} />
      </div>
      <div className="field">
        <span className="field-label">{st('field.id')}</span>
        <Input
          aria-label={st('field.id')}
          value={d.id}
          readOnly={!d.isNew}
          onChange={(v) => update((x) => ({ ...x, id: v }))}
        />
        <FieldError message={field('id')} />
      </div>
      {!d.isDefault && (
        <div className="field">
          <span className="field-label">{st('field.tier')}</span>
          <Input
            aria-label={st('field.tier')}
            placeholder={st('field.tierPlaceholder')}
            value={d.tier}
            onChange={(v) => update((x) => ({ ...x, tier: v }))}
          />
          <FieldError message={field('tier')} />
        </div>
      )}

      <table className="level-table">
        <thead>
          <tr>
            <th>{st('field.level')}</th>
            <th>{st('field.firstResponse')}</th>
            <th>{st('field.nextUpdate')}</th>
            <th>{st('field.resolution')}</th>
          </tr>
        </thead>
        <tbody>
          {levelKeys.map((l) => (
            <tr key={l} data-testid={`level-${l}`}>
              <th scope="row">{levelNames[l][lang]}</th>
              {targets.map((target) => {
                const message = field(`levels.${l}.${target}`);
                const label = `${levelNames[l][lang]} ${st(
                  target === 'firstResponseMinutes'
                    ? 'field.firstResponse'
                    : target === 'nextUpdateMinutes'
                      ? 'field.nextUpdate'
                      : 'field.resolution',
                )}${st('field.minutes')}`;
                const v = d.levels[l][target];
                return (
                  <td key={target}>
                    <Input
                      className={`num-input${message ? ' invalid' : ''}`}
                      aria-label={label}
                      inputMode="numeric"
                      placeholder={target === 'firstResponseMinutes' ? '' : '—'}
                      value={v}
                      onChange={(nv) =>
                        update((x) => ({
                          ...x,
                          levels: { ...x.levels, [l]: { ...x.levels[l], [target]: nv.trim() } },
                        }))
                      }
                    />
                    {wholeIn(v, 60, 525_600) && !message && (
                      <span className="cell-hint">{st('hours', { h: Math.round((+v / 60) * 10) / 10 })}</span>
                    )}
                    <FieldError message={message} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{st('field.unitNote')}</p>

      <div className="field">
        <span className="field-label">{st('field.atRiskRatio')}</span>
        <Input
          aria-label={st('field.atRiskRatio')}
          inputMode="decimal"
          value={d.atRiskRatio}
          onChange={(v) => update((x) => ({ ...x, atRiskRatio: v.trim() }))}
        />
        <span className="muted">{st('field.atRiskHint')}</span>
        <FieldError message={field('atRiskRatio')} />
      </div>
      <div className="field">
        <span className="field-label">{st('field.paused')}</span>
        <Selector
          multiple
          columns={2}
          value={d.paused}
          onChange={(v) => update((x) => ({ ...x, paused: v }))}
          options={pausable.map((s: TicketStatus) => ({ label: statusNames[s][lang], value: s }))}
        />
        <span className="muted">{st('field.pausedHint')}</span>
        <FieldError message={field('pausedStatuses')} />
      </div>
      <div className="field">
        <span className="field-label">{st('field.onSite')}</span>
        <Input
          aria-label={st('field.onSite')}
          inputMode="numeric"
          value={d.onSite}
          onChange={(v) => update((x) => ({ ...x, onSite: v.trim() }))}
        />
        <FieldError message={field('onSiteCalendarHours')} />
      </div>
    </div>
  );
}
