import { Button, Result, Selector, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { FieldError, issuesByPath } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { useI18n, useTexts } from '../../i18n.ts';
import { navigate } from '../../nav.ts';
import { type Filed, fileTicket, getIntakeOptions, type IntakeOptions } from './newticket-api.ts';
import { newTicketTexts } from './texts.ts';

/**
 * 新建工单 (customers): product line, level with the agreement's descriptions, description. The
 * submission key is made once per filled-in form, so a double tap or a retry after a lost answer
 * files one ticket (the server answers the first ticket again). Shows the promised response time.
 */
export function NewTicketPage() {
  const { t } = useI18n();
  const load = useLoad(getIntakeOptions);
  return (
    <Shell title={t('feature.newTicket')} back>
      <Loaded load={load}>{(options) => <NewTicketForm options={options} />}</Loaded>
    </Shell>
  );
}

function NewTicketForm({ options }: { options: IntakeOptions }) {
  const { lang, t } = useI18n();
  const nt = useTexts(newTicketTexts);
  const single = options.productLines.length === 1 ? options.productLines[0] : undefined;
  const [productLine, setProductLine] = useState<string | undefined>(single);
  const [level, setLevel] = useState<number | undefined>();
  const [description, setDescription] = useState('');
  const [sourceKey, setSourceKey] = useState(() => `miniapp:${crypto.randomUUID()}`);
  const [problems, setProblems] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<Filed | null>(null);

  if (filed) {
    return (
      <div data-testid="ticket-filed">
        <Result
          status="success"
          title={nt('done.title')}
          description={nt('done.ticket', { no: filed.ticketNo })}
        />
        <section className="card" data-testid="ticket-promise">
          {filed.promise}
        </section>
        <div className="form-actions">
          <Button
            color="primary"
            block
            onClick={() => navigate(`tickets/${encodeURIComponent(filed.ticketNo)}`)}
          >
            {nt('done.view')}
          </Button>
          <Button block onClick={() => navigate('tickets')}>
            {nt('done.list')}
          </Button>
          <Button
            block
            fill="none"
            onClick={() => {
              setFiled(null);
              setDescription('');
              setLevel(undefined);
              setSourceKey(`miniapp:${crypto.randomUUID()}`);
            }}
          >
            {nt('done.another')}
          </Button>
        </div>
      </div>
    );
  }

  async function submit() {
    const p = new Map<string, string>();
    if (!productLine) p.set('productLine', nt('problem.productLine'));
    if (!level) p.set('level', nt('problem.level'));
    const text = description.trim();
    if (text.length < 5) p.set('description', nt('problem.description'));
    else if (text.length > 4000) p.set('description', nt('problem.long'));
    setProblems(p);
    if (p.size > 0 || !productLine || !level) return;
    setBusy(true);
    try {
      setFiled(await fileTicket({ productLine, level, description: text, sourceKey }));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setProblems(issuesByPath(err.issues));
      Toast.show({ icon: 'fail', content: errorText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  const chosen = options.levels.find((l) => l.level === level);
  return (
    <div className="new-ticket" data-testid="new-ticket-form">
      <p className="muted">{nt('hint')}</p>
      <h2 className="section-title">{nt('productLine')}</h2>
      <section className="card">
        <Selector
          data-testid="product-line"
          columns={4}
          options={options.productLines.map((p) => ({ label: p, value: p }))}
          value={productLine ? [productLine] : []}
          onChange={(v) => setProductLine(v[0])}
        />
        <FieldError message={problems.get('productLine')} testId="problem-productLine" />
      </section>
      <h2 className="section-title">{nt('level')}</h2>
      <section className="card">
        <Selector
          data-testid="level"
          columns={5}
          options={options.levels.map((l) => ({
            label: lang === 'zh' ? l.nameZh : l.nameEn,
            value: l.level,
          }))}
          value={level ? [level] : []}
          onChange={(v) => setLevel(v[0])}
        />
        {chosen && (
          <p className="muted" data-testid="level-text">
            {lang === 'zh' ? chosen.symptomZh : chosen.symptomEn}
          </p>
        )}
        {!chosen && (
          <ul className="level-list muted">
            {options.levels.map((l) => (
              <li key={l.level}>
                <strong>{lang === 'zh' ? l.nameZh : l.nameEn}</strong>：
                {lang === 'zh' ? l.symptomZh : l.symptomEn}
              </li>
            ))}
          </ul>
        )}
        <FieldError message={problems.get('level')} testId="problem-level" />
      </section>
      <h2 className="section-title">{nt('description')}</h2>
      <section className="card">
        <TextArea
          data-testid="description"
          aria-label={nt('description')}
          placeholder={nt('descriptionPlaceholder')}
          value={description}
          onChange={setDescription}
          autoSize={{ minRows: 4, maxRows: 10 }}
          maxLength={4000}
          showCount
        />
        <FieldError message={problems.get('description')} testId="problem-description" />
      </section>
      <Button color="primary" block size="large" loading={busy} data-testid="submit-ticket" onClick={submit}>
        {nt('submit')}
      </Button>
    </div>
  );
}
