import { levelCatalog, type ResponseLevel } from '../../shared/catalog.ts';
import type { Figures, SlaReport } from './sla-report.ts';

/**
 * The figures behind the report's charts as one CSV table for Excel: UTF-8
 * with a byte-order mark (Excel otherwise reads it as GBK on Chinese
 * Windows), CRLF line ends, zh-CN headers, one row per group (合计, each
 * level, team and month), then the backlog's age buckets. Text cells that a
 * spreadsheet would run as a formula (= + - @) are prefixed with '.
 */
export const csvHeader = [
  '维度',
  '分组',
  '工单数',
  '计入SLA',
  '首次响应达标',
  '首次响应超时',
  '首次响应未到期',
  '达标率(%)',
  '平均首次响应(工作分钟)',
  '首次响应中位数(工作分钟)',
  '平均解决时长(小时)',
  '解决时长中位数(小时)',
  '满意度平均分',
  '满意度评价数',
] as const;

type Cell = string | number | null;

export function slaReportCsv(report: SlaReport): string {
  const rows: Cell[][] = [[...csvHeader]];
  const group = (dimension: string, f: Figures, label = f.label): Cell[] => [
    dimension,
    label,
    f.tickets,
    f.inSla,
    f.met,
    f.missed,
    f.pending,
    f.complianceRate === null ? null : Math.round(f.complianceRate * 1000) / 10,
    f.firstResponse.avgMinutes,
    f.firstResponse.medianMinutes,
    f.resolution.avgHours,
    f.resolution.medianHours,
    f.csat.avg,
    f.csat.count,
  ];
  rows.push(group('合计', report.total, `${report.range.from} 至 ${report.range.to}`));
  for (const f of report.byLevel)
    rows.push(group('响应级别', f, levelCatalog[Number(f.key) as ResponseLevel]?.nameZh ?? f.label));
  for (const f of report.byTeam) rows.push(group('团队', f));
  for (const f of report.byMonth) rows.push(group('月份', f));
  rows.push(['不计入SLA', '服务期外或无许可', report.outOfSla, ...blank(11)]);
  for (const b of report.backlog.buckets) rows.push(['未结工单账龄', b.zh, b.count, ...blank(11)]);
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

function blank(n: number): Cell[] {
  return Array.from({ length: n }, () => null);
}

function cell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
