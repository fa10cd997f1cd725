import { useEffect, useState } from 'react';
import { slaTargetNames } from '../../../../shared/sla/targets.ts';
import { formatDateTime, formatMinutes } from '../../format.ts';
import { useI18n, useTexts } from '../../i18n.ts';
import { ticketTexts } from './texts.ts';
import type { Countdown as CountdownData } from './tickets-api.ts';

/**
 * An SLA countdown: the target, its due time (Beijing time) and the time
 * left, green on track, amber at risk, red breached, grey paused. It ticks
 * on the server's clock: `offsetMs` = server now − device now when the list
 * was read, so a device with a wrong clock still counts right.
 */
export type LiveState = CountdownData['state'];

export function liveState(c: CountdownData, nowMs: number): LiveState {
  if (c.state === 'paused' || c.state === 'breached' || !c.dueAt) return c.state;
  if (nowMs >= Date.parse(c.dueAt)) return 'breached';
  if (c.atRiskAt && nowMs >= Date.parse(c.atRiskAt)) return 'atRisk';
  return 'onTrack';
}

export function useServerNow(offsetMs: number, everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    setNow(Date.now() + offsetMs);
    const timer = setInterval(() => setNow(Date.now() + offsetMs), everyMs);
    return () => clearInterval(timer);
  }, [offsetMs, everyMs]);
  return now;
}

export function targetName(target: string, lang: 'zh' | 'en'): string {
  const names = slaTargetNames[target as keyof typeof slaTargetNames];
  return names ? names[lang] : target;
}

export function Countdown({ countdown, offsetMs }: { countdown: CountdownData | null; offsetMs: number }) {
  const { lang } = useI18n();
  const tt = useTexts(ticketTexts);
  const now = useServerNow(offsetMs);
  if (!countdown) return null;
  const state = liveState(countdown, now);
  const target = targetName(countdown.target, lang);
  let left: string;
  if (state === 'paused' || !countdown.dueAt) {
    left = tt('due.paused', { d: formatMinutes(countdown.remainingMinutes, lang) });
  } else {
    const ms = Date.parse(countdown.dueAt) - now;
    left =
      ms >= 0
        ? tt('due.left', { d: formatMinutes(ms / 60_000, lang) })
        : tt('due.over', { d: formatMinutes(-ms / 60_000 + 0.99, lang) });
  }
  return (
    <div className={`countdown countdown-${state}`} data-testid="countdown" data-state={state}>
      {countdown.dueAt && (
        <span className="countdown-due" data-testid="due-at">
          {tt('due.label', { target, time: formatDateTime(countdown.dueAt, lang, { weekday: true }) })}
        </span>
      )}
      <span className="countdown-left">
        {state === 'atRisk' && `${tt('due.atRisk')} · `}
        {left}
      </span>
    </div>
  );
}
