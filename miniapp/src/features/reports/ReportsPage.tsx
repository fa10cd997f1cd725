import { Button, Input, NoticeBar } from 'antd-mobile';
import { useMemo, useState } from 'react';
import { FieldError } from '../../components/FieldError.tsx';
import { Loaded, useLoad } from '../../components/Loaded.tsx';
import { Shell } from '../../components/Shell.tsx';
import { formatMinutes } from '../../format.ts';
import { type Lang, type Translate, useI18n, useTexts } from '../../i18n.ts';
import { type ChartOption, EChart } from './EChart.tsx';
import { csvUrl, type Figures, getSlaReport, type SlaReport } from './reports-api.ts';
import { reportTexts } from './texts.ts';

/**
 * 服务报表 (team leads, dispatchers, admins): first-response compliance per
 * level, per month, backlog age, averages and CSAT as ECharts charts, and
 * the same figures as a CSV download for Excel.
 */
type RT = Translate<keyof typeof reportTexts.zh>;
const levelNames = { zh: ['一级', '二级', '三级', '四级', '五级'], en: ['L1', 'L2', 'L3', 'L4', 'L5'] };
const colors = { met: '#00b578', missed: '#ff3141', pending: '#c7cbd1', line: '#1677ff', bar: '#91caff' };

export function ReportsPage() {
  const { t } = useI18n();
  const rt = useTexts(reportTexts);
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const [typed, setTyped] = useState<{ from: string; to: string }>();
  const [shown, setShown] = useState(false);
  const load = useLoad(async () => {
    const report = await getSlaReport(range);
    setTyped((x) => x ?? report.range);
    return report;
  }, `${range.from}:${range.to}`);
  const bad = typed?.from && typed.to && typed.from > typed.to ? rt('problem.range') : undefined;
  return (
    <Shell title={t('feature.reports')} back>
      <div className="range-bar">
        <div className="field">
          <span className="field-label">{rt('from')}</span>
          <Input
            type="date"
            aria-label={rt('from')}
            value={typed?.from ?? ''}
            onChange={(v) => setTyped((x) => ({ from: v, to: x?.to ?? '' }))}
          />
        </div>
        <div className="field">
          <span className="field-label">{rt('to')}</span>
          <Input
            type="date"
            aria-label={rt('to')}
            value={typed?.to ?? ''}
            onChange={(v) => setTyped((x) => ({ to: v, from: x?.from ?? '' }))}
          />
        </div>
        <Button
          size="small"
          color="primary"
          onClick={() => {
            setShown(true);
            if (!bad && typed)
              setRange({
                ...(typed.from ? { from: typed.from } : {}),
                ...(typed.to ? { to: typed.to } : {}),
              });
          }}
        >
          {rt('apply')}
        </Button>
      </div>
      {shown && <FieldError message={bad} />}
      <Loaded load={load}>{(report) => <Report report={report} />}</Loaded>
    </Shell>
  );
}

function Report({ report }: { report: SlaReport }) {
  const { lang } = useI18n();
  const rt = useTexts(reportTexts);
  const options = useMemo(() => chartOptions(report, lang, rt), [report, lang, rt]);
  const total = report.total;
  return (
    <div data-testid="report">
      {report.truncated && <NoticeBar color="alert" wrap content={rt('truncated')} />}
      <div className="kpis">
        <Kpi
          label={rt('kpi.compliance')}
          value={percent(total.complianceRate) ?? rt('kpi.none')}
          note={rt('kpi.tickets', { n: total.tickets, sla: total.inSla })}
          testId="kpi-compliance"
          wide
        />
        <Kpi
          label={rt('kpi.firstResponse')}
          value={
            total.firstResponse.avgMinutes === null
              ? rt('kpi.none')
              : formatMinutes(total.firstResponse.avgMinutes, lang)
          }
          note={rt('kpi.workingTime')}
        />
        <Kpi
          label={rt('kpi.resolution')}
          value={
            total.resolution.avgHours === null
              ? rt('kpi.none')
              : rt('kpi.hours', { h: total.resolution.avgHours })
          }
        />
        <Kpi
          label={rt('kpi.csat')}
          value={total.csat.avg === null ? rt('kpi.none') : `${total.csat.avg} / 5`}
          note={rt('kpi.csatOf', { n: total.csat.count })}
        />
        <Kpi label={rt('kpi.backlog')} value={String(report.backlog.total)} />
      </div>
      {report.outOfSla > 0 && <p className="muted">{rt('outOfSla', { n: report.outOfSla })}</p>}

      <h2 className="section-title">{rt('chart.level')}</h2>
      <section className="card">
        <EChart option={options.level} testId="chart-level" />
      </section>
      <h2 className="section-title">{rt('chart.month')}</h2>
      <section className="card">
        <EChart option={options.month} testId="chart-month" />
      </section>
      <h2 className="section-title">{rt('chart.backlog')}</h2>
      <section className="card">
        <EChart option={options.backlog} testId="chart-backlog" height={200} />
      </section>

      <h2 className="section-title">{rt('team.title')}</h2>
      <section className="card">
        <table className="team-table" data-testid="team-table">
          <thead>
            <tr>
              <th>{rt('team.name')}</th>
              <th>{rt('team.tickets')}</th>
              <th>{rt('team.rate')}</th>
              <th>{rt('team.fr')}</th>
            </tr>
          </thead>
          <tbody>
            {report.byTeam.map((f) => (
              <tr key={f.key}>
                <td>{f.key === '-' ? rt('team.unassigned') : f.label}</td>
                <td>{f.tickets}</td>
                <td>{percent(f.complianceRate) ?? '—'}</td>
                <td>
                  {f.firstResponse.avgMinutes === null
                    ? '—'
                    : formatMinutes(f.firstResponse.avgMinutes, lang)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <a className="csv-link" href={csvUrl(report.range)} download data-testid="csv-link">
        {rt('csv')}
      </a>
    </div>
  );
}

function Kpi(props: { label: string; value: string; note?: string; testId?: string; wide?: boolean }) {
  return (
    <div className={props.wide ? 'kpi kpi-wide' : 'kpi'} data-testid={props.testId}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
      {props.note && <div className="kpi-note">{props.note}</div>}
    </div>
  );
}

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '2026-11' → '11月' / 'Nov' (with the year on January). */
function monthLabel(key: string, lang: Lang): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return lang === 'zh' ? (m === 1 ? `${y}年1月` : `${m}月`) : m === 1 ? `Jan ${y}` : (monthsEn[m - 1] ?? key);
}

function percent(rate: number | null): string | null {
  return rate === null ? null : `${Math.round(rate * 1000) / 10}%`;
}

function chartOptions(
  report: SlaReport,
  lang: Lang,
  rt: RT,
): { level: ChartOption; month: ChartOption; backlog: ChartOption } {
  const base = {
    animation: false,
    textStyle: { fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 36, right: 36, top: 36, bottom: 28 },
  };
  const stacked = (name: string, color: string, data: number[]) => ({
    name,
    type: 'bar',
    stack: 'all',
    itemStyle: { color },
    barMaxWidth: 28,
    data,
  });
  const by = (f: Figures[], pick: (x: Figures) => number) => f.map(pick);
  const level: ChartOption = {
    ...base,
    xAxis: {
      type: 'category',
      data: report.byLevel.map((f) => levelNames[lang][Number(f.key) - 1] ?? f.key),
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      stacked(
        rt('series.met'),
        colors.met,
        by(report.byLevel, (x) => x.met),
      ),
      stacked(
        rt('series.missed'),
        colors.missed,
        by(report.byLevel, (x) => x.missed),
      ),
      stacked(
        rt('series.pending'),
        colors.pending,
        by(report.byLevel, (x) => x.pending),
      ),
    ],
  };
  const month: ChartOption = {
    ...base,
    xAxis: { type: 'category', data: report.byMonth.map((f) => monthLabel(f.key, lang)) },
    yAxis: [
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      { type: 'value', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      {
        name: rt('series.tickets'),
        type: 'bar',
        yAxisIndex: 1,
        itemStyle: { color: colors.bar },
        barMaxWidth: 24,
        data: by(report.byMonth, (x) => x.tickets),
      },
      {
        name: rt('series.rate'),
        type: 'line',
        itemStyle: { color: colors.line },
        connectNulls: false,
        data: report.byMonth.map((f) =>
          f.complianceRate === null ? null : Math.round(f.complianceRate * 1000) / 10,
        ),
      },
    ],
  };
  const backlog: ChartOption = {
    ...base,
    legend: { show: false },
    xAxis: {
      type: 'category',
      axisLabel: { interval: 0, fontSize: 11 },
      data: report.backlog.buckets.map((b) => b[lang]),
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: rt('series.count'),
        type: 'bar',
        barMaxWidth: 32,
        itemStyle: { color: '#ff8f1f' },
        label: { show: true, position: 'top' },
        data: report.backlog.buckets.map((b) => b.count),
      },
    ],
  };
  return { level, month, backlog };
}
