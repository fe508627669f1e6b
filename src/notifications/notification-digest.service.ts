import { defaults } from '../../config/defaults';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { Transactions } from '../shared/db/transactions';
import type { OutboxRepository } from './outbox.repository';

const shanghaiHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: defaults.timeZone,
  hour: '2-digit',
  hourCycle: 'h23',
});

/**
 * The daily digest (每日摘要): for everyone who chose it for some kinds, one mail a
 * day listing what came in since the last one. The job runs every hour; from the
 * digest hour on (Asia/Shanghai) it makes today's digest for each person with items
 * waiting and none yet today. `notification_digests` is unique per person and day,
 * so a second run or a second worker process makes no second digest; items that
 * arrive after today's digest wait for tomorrow's.
 */
export class NotificationDigestService {
  constructor(
    private readonly db: Transactions,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  /** Makes today's digests if it is `digestHour` or later; returns how many it made. */
  async assembleDue(digestHour: number = defaults.notifications.digestHour): Promise<number> {
    const now = this.clock.now();
    if (Number(shanghaiHour.format(now)) < digestHour) return 0;
    const date = todayInShanghai(now);
    let made = 0;
    for (const userId of await this.outbox.usersWithDigestItems()) {
      const digest = await this.db.run((tx) => this.outbox.assembleDigest(tx, userId, date, now));
      if (digest) made++;
    }
    return made;
  }
}
