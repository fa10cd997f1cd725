import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingTypeOf, defaultBookingConfig } from '../../../shared/booking/booking-types.ts';
import {
  bookedGranules,
  type ExistingBooking,
  type FindFreeSlotsInput,
  findFreeSlots,
  type SlotEngineer,
  slotKey,
  slotOptionsOf,
} from '../../../shared/booking/slots.ts';
import { addWorkingMinutes } from '../../../shared/calendar/add-working-minutes.ts';
import { defaultCalendarConfig } from '../../../shared/calendar/calendar-config.ts';
import { compileCalendar } from '../../../shared/calendar/compile-calendar.ts';
import { isWorkingTime } from '../../../shared/calendar/is-working-time.ts';
import { DomainError } from '../../../shared/errors.ts';
import { fmt, sh } from '../calendar/shanghai-time.ts';

// Default 5 × 8 calendar (Mon–Fri 09:00–12:00, 13:00–18:00, Asia/Shanghai) with the 2024–2026
// statutory data. Tue 2026-03-10 is an ordinary working day.
const calendar = compileCalendar(defaultCalendarConfig);
const remote = slotOptionsOf(bookingTypeOf(defaultBookingConfig, 'remoteSupport'));
const onSite = slotOptionsOf(bookingTypeOf(defaultBookingConfig, 'onSite'));
const consultation = slotOptionsOf(bookingTypeOf(defaultBookingConfig, 'consultation'));

const engineer = (id: string, extra: Partial<SlotEngineer> = {}): SlotEngineer => ({
  id,
  timeOff: [],
  ...extra,
});

function search(overrides: Partial<FindFreeSlotsInput> & Pick<FindFreeSlotsInput, 'from' | 'to'>) {
  return findFreeSlots({
    calendar,
    granularityMinutes: 30,
    engineers: [engineer('a')],
    bookings: [],
    noticeCutoff: sh('2020-01-01 00:00'),
    ...remote,
    ...overrides,
  });
}

/** 'HH:MM–HH:MM a,b' per slot (one day) or 'YYYY-MM-DD HH:MM–HH:MM a,b'. */
const show = (slots: ReturnType<typeof findFreeSlots>, withDate = false) =>
  slots.map((s) => {
    const start = fmt(s.start);
    const text = `${withDate ? start : start.slice(11)}–${fmt(s.end).slice(11)}`;
    return `${text} ${s.engineerIds.join(',')}`;
  });
const dates = (slots: ReturnType<typeof findFreeSlots>) => [
  ...new Set(slots.map((s) => fmt(s.start).slice(0, 10))),
];

const tuesday = { from: sh('2026-03-10 00:00'), to: sh('2026-03-11 00:00') };

describe('findFreeSlots on an ordinary day', () => {
  it('offers every 30-minute start of a 60-minute remote session inside one period, never across lunch', () => {
    expect(show(search(tuesday))).toEqual([
      '09:00–10:00 a',
      '09:30–10:30 a',
      '10:00–11:00 a',
      '10:30–11:30 a',
      '11:00–12:00 a', // ends exactly at the morning end
      // 11:30–12:30 would run into lunch
      '13:00–14:00 a',
      '13:30–14:30 a',
      '14:00–15:00 a',
      '14:30–15:30 a',
      '15:00–16:00 a',
      '15:30–16:30 a',
      '16:00–17:00 a',
      '16:30–17:30 a',
      '17:00–18:00 a',
    ]);
  });

  it('places on-site visits (240 min + 60 min travel each side) through lunch, inside the working day', () => {
    // Blocked range [start − 60, end + 60) within 09:00–18:00; start in working time; end not in the break.
    expect(show(search({ ...tuesday, ...onSite, engineers: [engineer('a', { qualified: true })] }))).toEqual([
      '10:00–14:00 a', // travel 09:00–10:00, back 14:00–15:00
      '10:30–14:30 a',
      '11:00–15:00 a',
      '11:30–15:30 a',
      // 12:00 and 12:30 are no start times (lunch break)
      '13:00–17:00 a', // travel 12:00–13:00 over lunch, back 17:00–18:00
    ]);
  });

  it('without maySpanBreaks a type longer than the morning only fits the afternoon', () => {
    expect(show(search({ ...tuesday, durationMinutes: 240, maySpanBreaks: false }))).toEqual([
      '13:00–17:00 a',
      '13:30–17:30 a',
      '14:00–18:00 a',
    ]);
  });

  it('with maySpanBreaks never ends inside the break (11:00–12:30 is not offered)', () => {
    expect(show(search({ ...tuesday, durationMinutes: 90, maySpanBreaks: true })).slice(0, 6)).toEqual([
      '09:00–10:30 a',
      '09:30–11:00 a',
      '10:00–11:30 a',
      '10:30–12:00 a',
      // 11:00–12:30 ends in the break; 11:30–13:00 ends at 13:00, the end of no period
      '13:00–14:30 a',
      '13:30–15:00 a',
    ]);
  });

  it('keeps starts on the grid from local midnight for each granularity', () => {
    const window = { from: sh('2026-03-10 09:00'), to: sh('2026-03-10 12:00'), ...consultation };
    const starts = (g: number) =>
      search({ ...window, granularityMinutes: g }).map((s) => fmt(s.start).slice(11));
    expect(starts(60)).toEqual(['09:00', '10:00', '11:00']);
    expect(starts(30)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    expect(starts(15)).toHaveLength(11); // 09:00 … 11:30 (11:45 + 30 min would end at 12:15)
    expect(starts(15).at(-1)).toBe('11:30');
  });

  it('keeps the appointment inside the search window (buffers may stick out)', () => {
    expect(show(search({ from: sh('2026-03-10 09:20'), to: sh('2026-03-10 11:30') }))).toEqual([
      '09:30–10:30 a',
      '10:00–11:00 a',
      '10:30–11:30 a',
    ]);
    const visits = search({
      from: sh('2026-03-10 13:00'),
      to: sh('2026-03-10 17:00'),
      ...onSite,
      engineers: [engineer('a', { qualified: true })],
    });
    expect(show(visits)).toEqual(['13:00–17:00 a']); // its travel 12:00–13:00 is before the window
  });
});

describe('findFreeSlots across holidays and make-up working days (调休)', () => {
  it('春节 2026: holiday 15–23 Feb closed, make-up Saturdays 14 and 28 Feb open', () => {
    const slots = search({ from: sh('2026-02-12 00:00'), to: sh('2026-03-02 00:00') });
    expect(dates(slots)).toEqual([
      '2026-02-12',
      '2026-02-13',
      '2026-02-14', // Sat, 春节补班
      '2026-02-24',
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28', // Sat, 春节补班
    ]);
    expect(slots.filter((s) => fmt(s.start).startsWith('2026-02-14'))).toHaveLength(14); // a full working day
  });

  it('中秋节 + 国庆节 2026: make-up Sun 20 Sep and Sat 10 Oct open, 25–27 Sep and 1–7 Oct closed', () => {
    const slots = search({ from: sh('2026-09-19 00:00'), to: sh('2026-10-12 00:00'), ...consultation });
    expect(dates(slots)).toEqual([
      '2026-09-20', // Sun, 国庆节补班
      '2026-09-21',
      '2026-09-22',
      '2026-09-23',
      '2026-09-24',
      // Fri 25 – Sun 27: 中秋节
      '2026-09-28',
      '2026-09-29',
      '2026-09-30',
      // 1–7 Oct: 国庆节
      '2026-10-08',
      '2026-10-09',
      '2026-10-10', // Sat, 国庆节补班
    ]);
  });

  it('an on-site visit before a holiday: the last one is Thu 24 Sep 13:00, the next Mon 28 Sep 10:00', () => {
    const slots = search({
      from: sh('2026-09-24 12:00'),
      to: sh('2026-09-29 00:00'),
      ...onSite,
      engineers: [engineer('a', { qualified: true })],
    });
    expect(show(slots, true)).toEqual([
      '2026-09-24 13:00–17:00 a',
      '2026-09-28 10:00–14:00 a',
      '2026-09-28 10:30–14:30 a',
      '2026-09-28 11:00–15:00 a',
      '2026-09-28 11:30–15:30 a',
      '2026-09-28 13:00–17:00 a',
    ]);
  });
});

describe('findFreeSlots with engineers, bookings, buffers and time off', () => {
  const booking = (engineerId: string, from: string, to: string, buffer = 0): ExistingBooking => ({
    engineerId,
    from: sh(from),
    to: sh(to),
    bufferBeforeMinutes: buffer,
    bufferAfterMinutes: buffer,
  });

  it('lists the free engineers of each slot; a booked one drops out of overlapping slots only', () => {
    const slots = search({
      from: sh('2026-03-10 09:00'),
      to: sh('2026-03-10 12:00'),
      engineers: [engineer('a'), engineer('b')],
      bookings: [booking('a', '2026-03-10 10:00', '2026-03-10 11:00')],
    });
    expect(show(slots)).toEqual([
      '09:00–10:00 a,b', // ends where a's booking starts: no overlap
      '09:30–10:30 b',
      '10:00–11:00 b',
      '10:30–11:30 b',
      '11:00–12:00 a,b',
    ]);
  });

  it('drops slots nobody is free for', () => {
    const slots = search({
      ...tuesday,
      engineers: [engineer('a'), engineer('b')],
      bookings: [
        booking('a', '2026-03-10 09:00', '2026-03-10 12:00'),
        booking('b', '2026-03-10 09:00', '2026-03-10 11:00'),
      ],
    });
    expect(show(slots).slice(0, 2)).toEqual(['11:00–12:00 b', '13:00–14:00 a,b']);
  });

  it('applies the buffers of an existing on-site booking: a remote session starts after the travel back', () => {
    const slots = search({
      ...tuesday,
      bookings: [booking('a', '2026-03-10 10:00', '2026-03-10 14:00', 60)], // blocks 09:00–15:00
    });
    expect(show(slots)).toEqual([
      '15:00–16:00 a',
      '15:30–16:30 a',
      '16:00–17:00 a',
      '16:30–17:30 a',
      '17:00–18:00 a',
    ]);
  });

  it('applies the buffers of the new on-site booking against a plain existing booking', () => {
    const visits = (bookings: ExistingBooking[]) =>
      show(search({ ...tuesday, ...onSite, engineers: [engineer('a', { qualified: true })], bookings }));
    // A remote session 16:30–17:00: the 13:00–17:00 visit would need its travel back 17:00–18:00.
    expect(visits([booking('a', '2026-03-10 16:30', '2026-03-10 17:00')])).toEqual([
      '10:00–14:00 a',
      '10:30–14:30 a',
      '11:00–15:00 a',
      '11:30–15:30 a',
    ]);
    // A call 09:00–09:30: travel out may start at 09:30 at the earliest.
    expect(visits([booking('a', '2026-03-10 09:00', '2026-03-10 09:30')])).toEqual([
      '10:30–14:30 a',
      '11:00–15:00 a',
      '11:30–15:30 a',
      '13:00–17:00 a',
    ]);
  });

  it('sums the buffers of two on-site visits (travel back from one, then travel to the next)', () => {
    // Existing visit Mon 09 Mar 13:00–17:00 blocks 12:00–18:00; a visit on Tue 10:00 is unaffected.
    const slots = search({
      from: sh('2026-03-09 00:00'),
      to: sh('2026-03-11 00:00'),
      ...onSite,
      engineers: [engineer('a', { qualified: true })],
      bookings: [booking('a', '2026-03-09 13:00', '2026-03-09 17:00', 60)],
    });
    expect(show(slots, true)).toEqual([
      // Mon 10:00–14:00 would travel back 14:00–15:00 into the other visit's travel 12:00–13:00 … 18:00
      '2026-03-10 10:00–14:00 a',
      '2026-03-10 10:30–14:30 a',
      '2026-03-10 11:00–15:00 a',
      '2026-03-10 11:30–15:30 a',
      '2026-03-10 13:00–17:00 a',
    ]);
  });

  it('honours time off, widened to whole 15-minute granules', () => {
    const slots = search({
      ...tuesday,
      engineers: [
        engineer('a', { timeOff: [{ from: sh('2026-03-10 13:00'), to: sh('2026-03-10 18:00') }] }),
        engineer('b', { timeOff: [{ from: sh('2026-03-10 09:10'), to: sh('2026-03-10 09:20') }] }),
      ],
    });
    expect(show(slots).slice(0, 6)).toEqual([
      '09:00–10:00 a', // b is off 09:10–09:20, which blocks the 09:00–09:15 granule
      '09:30–10:30 a,b',
      '10:00–11:00 a,b',
      '10:30–11:30 a,b',
      '11:00–12:00 a,b',
      '13:00–14:00 b', // a is off in the afternoon
    ]);
  });

  it('widens unaligned existing bookings to whole granules, as their database keys do', () => {
    const slots = search({
      from: sh('2026-03-10 09:00'),
      to: sh('2026-03-10 12:00'),
      bookings: [booking('a', '2026-03-10 09:00', '2026-03-10 09:40')], // holds 09:00–09:45
    });
    expect(show(slots)[0]).toBe('10:00–11:00 a');
  });

  it('merges overlapping existing bookings (imported data may overlap)', () => {
    const slots = search({
      from: sh('2026-03-10 09:00'),
      to: sh('2026-03-10 12:00'),
      bookings: [
        booking('a', '2026-03-10 09:00', '2026-03-10 09:30'),
        booking('a', '2026-03-10 09:00', '2026-03-10 10:00'),
        booking('a', '2026-03-10 09:30', '2026-03-10 10:30'), // inside the first two, then beyond them
      ],
    });
    expect(show(slots)).toEqual(['10:30–11:30 a', '11:00–12:00 a']);
  });

  it('offers only qualified engineers when the type needs one', () => {
    const engineers = [
      engineer('a', { qualified: false }),
      engineer('b', { qualified: true }),
      engineer('c'),
    ];
    expect(search({ ...tuesday, ...onSite, engineers })[0]?.engineerIds).toEqual(['b']);
    expect(search({ ...tuesday, engineers })[0]?.engineerIds).toEqual(['a', 'b', 'c']);
    expect(search({ ...tuesday, ...onSite, engineers: [engineer('c')] })).toEqual([]);
  });

  it('ignores bookings of engineers not considered', () => {
    const slots = search({ ...tuesday, bookings: [booking('zz', '2026-03-10 09:00', '2026-03-10 18:00')] });
    expect(slots).toHaveLength(14);
  });
});

describe('findFreeSlots notice cutoff and limit', () => {
  it('starts no earlier than now + 2 working hours (Tue 10:15 → 13:15 → first slot 13:30)', () => {
    const now = sh('2026-03-10 10:15');
    const noticeCutoff = addWorkingMinutes(calendar, now, 120);
    expect(fmt(noticeCutoff)).toBe('2026-03-10 13:15');
    expect(show(search({ ...tuesday, noticeCutoff }))[0]).toBe('13:30–14:30 a');
  });

  it('counts the notice over a weekend and a holiday (Fri 2026-09-30 17:00 + 2 h = Thu 8 Oct 10:00)', () => {
    const noticeCutoff = addWorkingMinutes(calendar, sh('2026-09-30 17:00'), 120);
    const slots = search({
      from: sh('2026-09-30 17:00'),
      to: sh('2026-10-09 00:00'),
      noticeCutoff,
      limit: 2,
    });
    expect(show(slots, true)).toEqual(['2026-10-08 10:00–11:00 a', '2026-10-08 10:30–11:30 a']);
  });

  it('applies the cutoff to the start of the travel buffer', () => {
    const slots = search({
      ...tuesday,
      ...onSite,
      engineers: [engineer('a', { qualified: true })],
      noticeCutoff: sh('2026-03-10 09:40'),
    });
    expect(show(slots)[0]).toBe('11:00–15:00 a'); // 10:30 would need travel from 09:30
  });

  it('returns the earliest `limit` slots', () => {
    expect(show(search({ ...tuesday, limit: 3 }))).toEqual([
      '09:00–10:00 a',
      '09:30–10:30 a',
      '10:00–11:00 a',
    ]);
    expect(search({ ...tuesday, limit: 0 })).toEqual([]);
  });

  it('returns nothing for an empty window or no engineers', () => {
    expect(search({ from: sh('2026-03-10 12:00'), to: sh('2026-03-10 09:00') })).toEqual([]);
    expect(search({ ...tuesday, engineers: [] })).toEqual([]);
  });
});

describe('findFreeSlots input checks', () => {
  const invalid: Array<[string, Partial<FindFreeSlotsInput>]> = [
    ['granularity not a multiple of 15', { granularityMinutes: 20 }],
    ['granularity not dividing a day', { granularityMinutes: 105 }],
    ['duration 0', { durationMinutes: 0 }],
    ['fractional duration', { durationMinutes: 30.5 }],
    ['negative buffer', { bufferBeforeMinutes: -15 }],
    ['invalid date', { from: new Date(Number.NaN) }],
    ['window of two years', { to: sh('2028-03-10 00:00') }],
    ['negative limit', { limit: -1 }],
    ['duplicate engineer', { engineers: [engineer('a'), engineer('a')] }],
  ];
  it.each(invalid)('%s → DomainError(validation)', (_, overrides) => {
    expect(() => search({ ...tuesday, ...overrides })).toThrowError(DomainError);
    try {
      search({ ...tuesday, ...overrides });
    } catch (err) {
      expect((err as DomainError).code).toBe('validation');
      expect((err as DomainError).message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('slotKey and bookedGranules (the unique keys against double booking)', () => {
  it('formats a readable, local key', () => {
    expect(slotKey('eng-7', sh('2026-12-03 10:00'))).toBe('eng-7@2026-12-03T10:00+08:00');
    expect(() => slotKey('', sh('2026-12-03 10:00'))).toThrowError(DomainError);
    expect(() => slotKey('a', sh('2026-12-03 10:00:30'))).toThrowError(DomainError);
  });

  it('covers the appointment and its buffers in 15-minute granules', () => {
    const keys = bookedGranules('a', sh('2026-03-10 10:00'), sh('2026-03-10 14:00'), undefined, {
      beforeMinutes: 60,
      afterMinutes: 60,
    });
    expect(keys).toHaveLength(24); // 09:00 … 14:45
    expect(keys[0]).toBe('a@2026-03-10T09:00+08:00');
    expect(keys.at(-1)).toBe('a@2026-03-10T14:45+08:00');
    expect(bookedGranules('a', sh('2026-03-10 10:00'), sh('2026-03-10 11:00'), 30)).toEqual([
      'a@2026-03-10T10:00+08:00',
      'a@2026-03-10T10:30+08:00',
    ]);
  });

  it('makes overlapping bookings collide and touching ones not', () => {
    const keys = (from: string, to: string) => new Set(bookedGranules('a', sh(from), sh(to)));
    const first = keys('2026-03-10 10:00', '2026-03-10 11:00');
    const touching = keys('2026-03-10 11:00', '2026-03-10 12:00');
    const overlapping = keys('2026-03-10 10:45', '2026-03-10 11:45');
    expect([...touching].some((k) => first.has(k))).toBe(false);
    expect([...overlapping].some((k) => first.has(k))).toBe(true);
    expect(
      new Set(bookedGranules('b', sh('2026-03-10 10:00'), sh('2026-03-10 11:00'))).has(
        'a@2026-03-10T10:00+08:00',
      ),
    ).toBe(false);
  });

  it('rejects empty ranges and odd granularities', () => {
    expect(() => bookedGranules('a', sh('2026-03-10 10:00'), sh('2026-03-10 10:00'))).toThrowError(
      DomainError,
    );
    expect(() => bookedGranules('a', sh('2026-03-10 10:00'), sh('2026-03-10 11:00'), 7)).toThrowError(
      DomainError,
    );
  });
});

describe('findFreeSlots against a minute-by-minute reference', () => {
  // Random engineers, bookings and time off over Tue 6 – Mon 12 Oct 2026 (国庆节 until Wed 7, the
  // make-up Saturday 10 Oct); dense enough for bookings of one engineer to overlap and touch. The
  // reference checks every rule with isWorkingTime.
  const MIN = 60_000;
  const LOCK = 15 * MIN;
  const base = sh('2026-10-06 00:00').getTime();
  const span = 7 * 24 * 60; // minutes in the window
  const range = fc
    .tuple(fc.integer({ min: 0, max: span - 1 }), fc.integer({ min: 1, max: 8 * 60 }))
    .map(([start, length]) => ({
      from: new Date(base + start * MIN),
      to: new Date(base + (start + length) * MIN),
    }));
  const scenario = fc.record({
    engineers: fc.integer({ min: 1, max: 4 }),
    bookings: fc.array(
      fc.record({
        engineer: fc.integer({ min: 0, max: 3 }),
        range,
        before: fc.constantFrom(0, 15, 60),
        after: fc.constantFrom(0, 30, 60),
      }),
      { maxLength: 40 },
    ),
    timeOff: fc.array(fc.record({ engineer: fc.integer({ min: 0, max: 3 }), range }), { maxLength: 6 }),
    duration: fc.constantFrom(30, 60, 90, 120, 240),
    before: fc.constantFrom(0, 30, 60),
    after: fc.constantFrom(0, 30, 60),
    granularity: fc.constantFrom(15, 30, 60),
    spanBreaks: fc.boolean(),
    cutoffMinute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    qualified: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    needsQualified: fc.boolean(),
  });

  it('offers exactly the slots the rules allow', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const engineers = Array.from({ length: s.engineers }, (_, i) => ({
          id: `e${i}`,
          qualified: s.qualified[i]!,
          timeOff: s.timeOff.filter((t) => t.engineer === i).map((t) => t.range),
        }));
        const bookings = s.bookings.map((b) => ({
          engineerId: `e${b.engineer}`,
          ...b.range,
          bufferBeforeMinutes: b.before,
          bufferAfterMinutes: b.after,
        }));
        const input: FindFreeSlotsInput = {
          calendar,
          from: new Date(base),
          to: new Date(base + span * MIN),
          durationMinutes: s.duration,
          granularityMinutes: s.granularity,
          bufferBeforeMinutes: s.before,
          bufferAfterMinutes: s.after,
          maySpanBreaks: s.spanBreaks,
          needsQualifiedEngineer: s.needsQualified,
          engineers,
          bookings,
          noticeCutoff: new Date(base + s.cutoffMinute * MIN),
        };
        const actual = show(findFreeSlots(input), true);
        expect(actual).toEqual(show(reference(input), true));
      }),
      { numRuns: 150 },
    );
  });

  function reference(input: FindFreeSlotsInput) {
    const working = (ms: number) => isWorkingTime(calendar, new Date(ms));
    const localDay = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000);
    const widen = (from: number, to: number) => [Math.floor(from / LOCK) * LOCK, Math.ceil(to / LOCK) * LOCK];
    const overlaps = (a: number[], b: number[]) => a[0]! < b[1]! && b[0]! < a[1]!;
    const out: Array<{ start: Date; end: Date; engineerIds: string[] }> = [];
    const before = (input.bufferBeforeMinutes ?? 0) * MIN;
    const after = (input.bufferAfterMinutes ?? 0) * MIN;
    const step = input.granularityMinutes * MIN;
    for (let s = input.from.getTime(); s + input.durationMinutes * MIN <= input.to.getTime(); s += step) {
      const e = s + input.durationMinutes * MIN;
      const bs = s - before;
      const be = e + after;
      if (bs < input.noticeCutoff.getTime() || !working(s)) continue;
      // Boundaries are multiples of 15 minutes: checking every 15 minutes is checking every minute.
      let placed = working(s) && localDay(bs) === localDay(s) && localDay(be - MIN) === localDay(s);
      if (input.maySpanBreaks) {
        // Breaks inside are fine; the blocked range lies between the day's first and last working
        // minute, and the appointment ends in working time.
        placed &&= working(e - MIN) && workingAtOrBefore(bs) && workingAtOrAfter(be - MIN);
      } else {
        for (let t = bs; placed && t < be; t += LOCK) placed = working(t);
      }
      if (!placed) continue;
      const candidate = widen(bs, be);
      const free = input.engineers
        .filter((eng) => !input.needsQualifiedEngineer || eng.qualified === true)
        .filter(
          (eng) =>
            !eng.timeOff.some((t) => overlaps(candidate, widen(t.from.getTime(), t.to.getTime()))) &&
            !input.bookings.some(
              (b) =>
                b.engineerId === eng.id &&
                overlaps(
                  candidate,
                  widen(
                    b.from.getTime() - (b.bufferBeforeMinutes ?? 0) * MIN,
                    b.to.getTime() + (b.bufferAfterMinutes ?? 0) * MIN,
                  ),
                ),
            ),
        )
        .map((eng) => eng.id);
      if (free.length > 0) out.push({ start: new Date(s), end: new Date(e), engineerIds: free });
    }
    return out;

    function workingAtOrBefore(t: number) {
      for (let u = t; localDay(u) === localDay(t); u -= LOCK) if (working(u)) return true;
      return false;
    }
    function workingAtOrAfter(t: number) {
      for (let u = t; localDay(u) === localDay(t); u += LOCK) if (working(u)) return true;
      return false;
    }
  }
});
