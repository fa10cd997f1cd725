/**
 * Invalid calendar configuration, holiday data or overrides handed to compileCalendar.
 * Shaped like the project's coded domain errors (code, message, details) so the edge can map it
 * once; `details` lists every problem, one readable line each.
 */
export class CalendarInputError extends Error {
  readonly code = 'calendar.invalid_input';

  constructor(
    message: string,
    readonly details: readonly string[],
  ) {
    super(`${message}:\n${details.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'CalendarInputError';
  }
}
