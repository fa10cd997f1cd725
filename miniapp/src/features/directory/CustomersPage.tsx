import { Button, Tag, Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import { errorText } from '../../api.ts';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { shanghaiDate } from '../../format.ts';
import { type Translate, useI18n, useTexts } from '../../i18n.ts';
import {
  countedCollections,
  getOrganisations,
  type ImportResult,
  importDirectory,
  type Organisation,
  type ServicePeriod,
  validateDirectory,
} from './directory-api.ts';
import { directoryTexts } from './texts.ts';

/**
 * 客户与授权 (admin): the organisations with their licences and service
 * periods, and the directory file upload — checked first (a dry run that
 * shows the counts or the problems), imported on confirmation.
 */
type DT = Translate<keyof typeof directoryTexts.zh>;

export function CustomersPage() {
  const { t } = useI18n();
  const load = useLoad(getOrganisations);
  return (
    <Shell title={t('feature.customers')} back>
      <DirectoryImport onImported={load.reload} />
      <Loaded load={load}>{(data) => <OrganisationList organisations={data.organisations} />}</Loaded>
    </Shell>
  );
}

function periodState(p: ServicePeriod, today: string): 'current' | 'expired' | 'upcoming' {
  if (p.to < today) return 'expired';
  if (p.from > today) return 'upcoming';
  return 'current';
}

function periodKind(kind: string, dt: DT): string {
  return kind === 'free' ? dt('period.free') : kind === 'paid' ? dt('period.paid') : kind;
}

function OrganisationList({ organisations }: { organisations: Organisation[] }) {
  const dt = useTexts(directoryTexts);
  const today = shanghaiDate(new Date());
  return (
    <section className="card" data-testid="organisation-list">
      <div className="card-head">
        <h2 className="sub-title">{dt('organisations')}</h2>
        <span className="muted">{dt('count', { n: organisations.length })}</span>
      </div>
      {organisations.length === 0 && <p className="muted">{dt('noOrganisations')}</p>}
      <ul className="plain-list">
        {organisations.map((o) => (
          <li key={o.id} data-testid={`org-${o.id}`}>
            <strong>{o.name}</strong> <span className="muted">{o.id}</span>
            <div className="muted">
              {[
                o.region && `${dt('region')}: ${o.region}`,
                o.branch && `${dt('branch')}: ${o.branch}`,
                o.tier && `${dt('tier')}: ${o.tier}`,
              ]
                .filter(Boolean)
                .join(' · ')}
            </div>
            {o.licences.length === 0 ? (
              <div className="muted">{dt('noLicences')}</div>
            ) : (
              <ul className="licence-list">
                {o.licences.map((l) => (
                  <li key={l.id} data-testid={`licence-${l.id}`}>
                    <span>
                      {l.productLine}
                      {l.version ? ` ${l.version}` : ''}{' '}
                      <span className="muted">({dt('licence', { id: l.id })})</span>
                    </span>
                    {l.servicePeriods.length === 0 && <div className="muted">{dt('noPeriods')}</div>}
                    {l.servicePeriods.map((p) => {
                      const state = periodState(p, today);
                      return (
                        <div key={`${p.kind}-${p.from}`} className="period">
                          {periodKind(p.kind, dt)} {p.from} – {p.to}{' '}
                          <Tag
                            color={
                              state === 'current' ? 'success' : state === 'expired' ? 'default' : 'primary'
                            }
                            fill="outline"
                          >
                            {dt(state)}
                          </Tag>
                        </div>
                      );
                    })}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const shownIssues = 50;

function DirectoryImport({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const dt = useTexts(directoryTexts);
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; json: unknown } | undefined>();
  const [result, setResult] = useState<ImportResult | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState<'checking' | 'importing' | undefined>();

  const check = async (chosen: File) => {
    setFile(undefined);
    setResult(undefined);
    setProblem(undefined);
    let json: unknown;
    try {
      json = JSON.parse(await chosen.text());
    } catch (err) {
      setProblem(dt('badJson', { reason: err instanceof Error ? err.message : String(err) }));
      if (input.current) input.current.value = '';
      return;
    }
    setBusy('checking');
    try {
      const r = await validateDirectory(json);
      setResult(r);
      if (r.ok) setFile({ name: chosen.name, json });
    } catch (err) {
      setProblem(errorText(err, t));
    } finally {
      setBusy(undefined);
      if (input.current) input.current.value = '';
    }
  };

  const runImport = async () => {
    if (!file) return;
    setBusy('importing');
    setProblem(undefined);
    try {
      const r = await importDirectory(file.json);
      setResult(r);
      if (r.ok) {
        Toast.show({ icon: 'success', content: dt('imported') });
        setFile(undefined);
        onImported();
      }
    } catch (err) {
      setProblem(errorText(err, t));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="card" data-testid="directory-import">
      <h2 className="sub-title">{dt('importTitle')}</h2>
      <p className="muted">{dt('importHint')}</p>
      <label className="file-button">
        <span>{busy === 'checking' ? dt('checking') : dt('choose')}</span>
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          data-testid="directory-file"
          disabled={busy !== undefined}
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            if (chosen) void check(chosen);
          }}
        />
      </label>
      {problem && (
        <div className="field-error" role="alert" data-testid="directory-error">
          {problem}
        </div>
      )}
      {result && !result.ok && (
        <div className="field-error" role="alert" data-testid="directory-issues">
          {dt('failed')}
          <ul>
            {result.issues.slice(0, shownIssues).map((i) => (
              <li key={`${i.path}:${i.message}`}>
                {i.path}: {i.message}
              </li>
            ))}
          </ul>
          {result.issues.length > shownIssues && dt('more', { n: result.issues.length - shownIssues })}
        </div>
      )}
      {result?.ok && (
        <div data-testid="directory-counts">
          {result.dryRun && file && <p>{dt('checked', { file: file.name })}</p>}
          {!result.dryRun && <p>{dt('imported')}</p>}
          <table className="level-table">
            <thead>
              <tr>
                <th>{dt('col.collection')}</th>
                <th>{dt('col.created')}</th>
                <th>{dt('col.updated')}</th>
                <th>{dt('col.unchanged')}</th>
              </tr>
            </thead>
            <tbody>
              {countedCollections.map((c) => (
                <tr key={c} data-testid={`count-${c}`}>
                  <th scope="row">{dt(`c.${c}`)}</th>
                  <td>{result.counts[c].created}</td>
                  <td>{result.counts[c].updated}</td>
                  <td>{result.counts[c].unchanged}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.dryRun && file && (
            <Button
              block
              color="primary"
              loading={busy === 'importing'}
              onClick={runImport}
              data-testid="directory-import-button"
            >
              {dt('import')}
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
