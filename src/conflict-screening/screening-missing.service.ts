import type { Notification } from '../notifications/outbox';
import { enqueueNotifications } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import type { ScreeningRepository } from './screening.repository';
import { periodEndsAt, periodOf, shiftPeriod } from './screening-period';

/**
 * The daily job (worker, pg-boss schedule): once a month has ended, every community workstation
 * that filed no round for it — not even a zero report — is flagged to its nearest supervisors,
 * once per unit and period (the flag's unique key), however often the job runs.
 */
export class ScreeningMissingService {
  constructor(
    private readonly deps: { transactions: Transactions; screenings: ScreeningRepository; clock: Clock },
  ) {}

  /** Flags the month before this one; answers how many units were flagged now. */
  flagEndedPeriod(): Promise<{ period: string; flagged: number }> {
    const now = this.deps.clock.now();
    const period = shiftPeriod(periodOf(now), -1);
    return this.deps.transactions.run(async (tx) => {
      const flags = await this.deps.screenings.flagMissing(tx, { period, endsAt: periodEndsAt(period), now });
      await enqueueNotifications(
        tx,
        flags.map(
          (flag): Notification => ({
            kind: 'screening.missing',
            recipientUnitId: flag.unitId,
            unitAudience: 'supervisors',
            subjectType: 'screening',
            subjectId: flag.id,
            payload: { period, unitNameZh: flag.unitNameZh, unitNameEn: flag.unitNameEn },
          }),
        ),
      );
      return { period, flagged: flags.length };
    });
  }
}
