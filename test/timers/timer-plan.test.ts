import type { ClockReading } from '../../src/deadlines/clock';
import { startOfShanghaiDay } from '../../src/deadlines/plain-date';
import { planTimer } from '../../src/timers/timer-plan';

const reading = (fields: Partial<ClockReading> & { due: string; warningOn: string }): ClockReading =>
  ({ paused: false, provisional: false, overdue: false, daysLeft: 1, ...fields }) as ClockReading;

const now = new Date('2026-03-20T02:00:00Z');
const earlier = new Date('2026-03-01T02:00:00Z');

describe('planning a deadline timer', () => {
  it('before the warning day, then nothing is raised and it wakes at the start of the warning day (Asia/Shanghai)', () => {
    const plan = planTimer(null, reading({ warningOn: '2026-03-25', due: '2026-03-31' }), '2026-03-20', now, {
      raise: true,
    });
    expect(plan).toEqual({
      warnedAt: null,
      overdueAt: null,
      raise: null,
      fireAt: new Date('2026-03-24T16:00:00Z'),
    });
  });

  it('on the warning day, then the warning is raised once and it next wakes the day after the due date', () => {
    const plan = planTimer(null, reading({ warningOn: '2026-03-20', due: '2026-03-24' }), '2026-03-20', now, {
      raise: true,
    });
    expect(plan).toMatchObject({ raise: 'warning', warnedAt: now, fireAt: startOfShanghaiDay('2026-03-25') });
    const again = planTimer(
      plan,
      reading({ warningOn: '2026-03-20', due: '2026-03-24' }),
      '2026-03-20',
      now,
      {
        raise: true,
      },
    );
    expect(again.raise).toBeNull();
  });

  it('past the due date, then overdue is raised once (standing for a warning never sent) and it sleeps', () => {
    const overdue = reading({
      warningOn: '2026-03-10',
      due: '2026-03-15',
      overdue: true,
      overdueBy: 5,
    } as never);
    const plan = planTimer(null, overdue, '2026-03-20', now, { raise: true });
    expect(plan).toEqual({ warnedAt: now, overdueAt: now, raise: 'overdue', fireAt: null });
    expect(planTimer(plan, overdue, '2026-03-20', now, { raise: true }).raise).toBeNull();
  });

  it('without raising (the write path), then a notice already due makes it wake at once', () => {
    const plan = planTimer(null, reading({ warningOn: '2026-03-18', due: '2026-03-24' }), '2026-03-20', now, {
      raise: false,
    });
    expect(plan.raise).toBeNull();
    expect(plan.fireAt?.getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('while suspended, then it sleeps and raises no warning', () => {
    const plan = planTimer(
      null,
      reading({ warningOn: '2026-03-19', due: '2026-03-24', paused: true }),
      '2026-03-20',
      now,
      { raise: true },
    );
    expect(plan).toMatchObject({ raise: null, fireAt: null });
  });

  it('when the warning day moves ahead again (new stage, holiday change), then a sent warning may go again', () => {
    const flags = { warnedAt: earlier, overdueAt: null };
    const plan = planTimer(
      flags,
      reading({ warningOn: '2026-04-01', due: '2026-04-05' }),
      '2026-03-20',
      now,
      {
        raise: true,
      },
    );
    expect(plan).toMatchObject({ warnedAt: null, raise: null, fireAt: startOfShanghaiDay('2026-04-01') });
  });

  it('when a holiday change makes an overdue clock run again, then its overdue flag is lifted', () => {
    const flags = { warnedAt: earlier, overdueAt: earlier };
    const plan = planTimer(
      flags,
      reading({ warningOn: '2026-03-15', due: '2026-03-21' }),
      '2026-03-20',
      now,
      {
        raise: true,
      },
    );
    expect(plan).toMatchObject({
      overdueAt: null,
      warnedAt: earlier,
      fireAt: startOfShanghaiDay('2026-03-22'),
    });
  });
});
