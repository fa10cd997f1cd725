import { Tag } from 'antd-mobile';
import { levelCatalog, type ResponseLevel } from '../../../../shared/catalog.ts';
import { statusNames, type TicketStatus } from '../../../../shared/ticket/status.ts';
import { useI18n } from '../../i18n.ts';

const statusColors: Record<TicketStatus, string> = {
  triage: '#ff8f1f',
  assigned: '#1677ff',
  inProgress: '#1677ff',
  waitingCustomer: '#7c4dff',
  solutionProposed: '#00b578',
  closed: '#8f959e',
  autoClosed: '#8f959e',
  reopened: '#ff3141',
  ended: '#8f959e',
};

export function statusText(status: string, lang: 'zh' | 'en'): string {
  return statusNames[status as TicketStatus]?.[lang] ?? status;
}

export function levelText(level: number, lang: 'zh' | 'en'): string {
  const info = levelCatalog[level as ResponseLevel];
  return info ? (lang === 'zh' ? info.nameZh : info.nameEn) : String(level);
}

export function StatusTag({ status }: { status: string }) {
  const { lang } = useI18n();
  return (
    <Tag color={statusColors[status as TicketStatus] ?? 'default'} fill="outline" data-testid="status">
      {statusText(status, lang)}
    </Tag>
  );
}

export function LevelTag({ level }: { level: number }) {
  const { lang } = useI18n();
  return (
    <Tag color={level <= 1 ? 'danger' : level === 2 ? 'warning' : 'default'} fill="solid">
      {levelText(level, lang)}
    </Tag>
  );
}
