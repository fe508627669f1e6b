import type { DataSource, EntityManager } from 'typeorm';
import type { Delivery, NotificationKind } from './notification-kinds';
import { NotificationPreference } from './notification-preference.entity';

/** The only code that reads or writes users' notification choices. */
export class NotificationPreferenceRepository {
  constructor(private readonly db: DataSource) {}

  /** The kinds this user has chosen for, with their choice. */
  async chosenBy(userId: string): Promise<Map<NotificationKind, Delivery>> {
    const rows = await this.db.manager.find(NotificationPreference, { where: { userId } });
    return new Map(rows.map((row) => [row.kind, row.delivery]));
  }

  async choiceOf(userId: string, kind: NotificationKind, tx?: EntityManager): Promise<Delivery | undefined> {
    const row = await (tx ?? this.db.manager).findOne(NotificationPreference, { where: { userId, kind } });
    return row?.delivery;
  }

  /** The user's mail address, if any (the preferences page says so when mail cannot reach them). */
  async emailOf(userId: string): Promise<string | null> {
    const [row]: Array<{ email: string | null }> = await this.db.query(
      'SELECT email FROM users WHERE id = $1',
      [userId],
    );
    return row?.email ?? null;
  }

  /** Saves one choice of a user (in the transaction that saves all they chose). */
  async save(tx: EntityManager, userId: string, kind: NotificationKind, delivery: Delivery): Promise<void> {
    await tx.upsert(NotificationPreference, { userId, kind, delivery }, ['userId', 'kind']);
  }
}
