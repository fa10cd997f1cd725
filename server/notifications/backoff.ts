/**
 * Retry delay for the n-th failed delivery (1-based): exponential from 5 s,
 * capped at 10 min, with ±20 % jitter from `random` so retries of many
 * notices do not align. Pure; the caller injects randomness.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const maxDeliveryAttempts = 12;
