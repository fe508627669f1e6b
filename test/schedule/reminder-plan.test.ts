import { planReminders } from '../../src/schedule/reminder-plan';

/** The two reminders of an appointment (local practice: the day before at 09:00, the morning of at 07:30, Asia/Shanghai). */
describe('when an appointment’s reminders go', () => {
  const startsAt = new Date('2026-12-05T15:00:00+08:00');
  const none = { dayBeforeSentAt: null, morningSentAt: null };
  const planned = { raise: true, planned: true };

  it('planned the evening before: the day before’s goes at once (it says "tomorrow", and it is), the morning’s at 07:30', () => {
    const now = new Date('2026-12-04T20:00:00+08:00');
    const plan = planReminders(startsAt, none, now, planned);
    expect(plan.send).toBe('dayBefore');
    expect(plan.fireAt).toEqual(new Date('2026-12-05T07:30:00+08:00'));
  });

  it('planned after midnight on the day itself: no "tomorrow" reminder — nothing now, the morning’s at 07:30', () => {
    const now = new Date('2026-12-05T02:14:00+08:00');
    const plan = planReminders(startsAt, none, now, planned);
    expect(plan.send).toBeNull();
    expect(plan.fireAt).toEqual(new Date('2026-12-05T07:30:00+08:00'));
  });

  it('planned two days ahead: nothing now, the day before’s at 09:00 the day before', () => {
    const now = new Date('2026-12-03T10:00:00+08:00');
    const plan = planReminders(startsAt, none, now, planned);
    expect(plan.send).toBeNull();
    expect(plan.fireAt).toEqual(new Date('2026-12-04T09:00:00+08:00'));
  });

  it('planned on the day after 07:30: the morning’s goes at once, and nothing after it', () => {
    const now = new Date('2026-12-05T09:00:00+08:00');
    const plan = planReminders(startsAt, none, now, planned);
    expect(plan.send).toBe('morning');
    expect(plan.fireAt).toBeNull();
  });
});
