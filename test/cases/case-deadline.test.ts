import { pauseClock, presentDeadline, resumeClock, startMediationClock } from '../../src/cases/case-deadline';
import { officialCalendar } from '../../src/deadlines/working-calendar';
import { rulesFor } from '../../src/workflows/rules';

/** `stageOn(today)`: a stage accepted on `today`, on an application received the same day, with no clock running before. */
const stageOn = (today: string) => ({ today, receivedOn: today, current: null });

/** A case's mediation clock as the rules table starts it: one row per rule, named with its article. */
describe('the mediation clock of a case', () => {
  const neighbours = rulesFor('neighbourhood');

  it('人民调解工作若干规定 第三十三条: accepted 2026-01-31, one month is due 2026-02-28 (28 days), warned on the 23rd day (80 %)', () => {
    const clock = startMediationClock(neighbours, 'people', stageOn('2026-01-31'), officialCalendar);

    expect(clock).toMatchObject({
      startedOn: '2026-01-31',
      months: 1,
      days: 28,
      basis: 'calendar',
      due: '2026-02-28',
      warningOn: '2026-02-23',
    });
    expect(presentDeadline(clock, '2026-02-01', officialCalendar)).toMatchObject({
      due: '2026-02-28',
      months: 1,
      days: 28,
      provisional: false,
    });
  });

  it('人民调解工作若干规定 第三十三条: a month suspended for three days (2–5 February) ends three days later, Tuesday 3 March', () => {
    const started = startMediationClock(neighbours, 'people', stageOn('2026-01-31'), officialCalendar);
    const paused = pauseClock(started, neighbours, 'people', 'other', '2026-02-02', officialCalendar);
    const resumed = resumeClock(paused, '2026-02-05', officialCalendar);

    expect(resumed).toMatchObject({ due: '2026-03-03', paused: false, months: 1 });
  });

  it('a clock stored before months existed ({days: 30, basis}) still reads as 30 calendar days', () => {
    const stored = {
      days: 30,
      basis: 'calendar' as const,
      source: neighbours.deadlines.people.source,
      startedOn: '2026-03-02',
      pauses: [],
      due: '2026-04-01',
      warningOn: '2026-03-26',
      paused: false,
    };

    expect(presentDeadline(stored, '2026-03-03', officialCalendar)).toMatchObject({
      due: '2026-04-01',
      days: 30,
      months: null,
      basis: 'calendar',
    });
  });

  it('医疗纠纷预防和处理条例 第三十八条: 30 working days from 2026-12-03 run to 2027-01-15, 1 January being a statutory holiday of a year with no notice: provisional', () => {
    const clock = startMediationClock(rulesFor('medical'), 'people', stageOn('2026-12-03'), officialCalendar);

    expect(presentDeadline(clock, '2026-12-03', officialCalendar)).toMatchObject({
      due: '2027-01-15',
      days: 30,
      basis: 'working',
      provisional: true,
      yearsWithoutNotice: [2027],
    });
  });
});
