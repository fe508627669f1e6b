import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../access/actor';
import type { Role } from '../access/roles';
import { ValidationError } from '../shared/errors';
import {
  type Delivery,
  effectiveDelivery,
  kindRules,
  type NotificationKind,
  notificationKinds,
} from './notification-kinds';
import { NotificationPreference } from './notification-preference.entity';

export interface PreferenceView {
  kind: NotificationKind;
  delivery: Delivery;
  /** Not chosen: the default applies. */
  isDefault: boolean;
  mandatory: boolean;
}

/** Each user's choice per kind: immediately, daily digest, or off (never off for overdue notices). */
export class NotificationPreferenceService {
  constructor(private readonly db: DataSource) {}

  /** Every kind with what this user receives of it. */
  async listFor(user: { id: string; role: Role }): Promise<PreferenceView[]> {
    const rows = await this.db.manager.find(NotificationPreference, { where: { userId: user.id } });
    const chosen = new Map(rows.map((row) => [row.kind, row.delivery]));
    return notificationKinds.map((kind) => ({
      kind,
      delivery: effectiveDelivery(kind, user.role, chosen.get(kind)),
      isDefault: !chosen.has(kind),
      mandatory: kindRules[kind].mandatory,
    }));
  }

  /** Whether mail can reach this user at all (the page says so when it cannot). */
  async hasEmail(userId: string): Promise<boolean> {
    const [row]: Array<{ email: string | null }> = await this.db.query(
      'SELECT email FROM users WHERE id = $1',
      [userId],
    );
    return Boolean(row?.email);
  }

  /** What this user receives of this kind, read at send time. */
  async deliveryFor(user: { id: string; role: Role }, kind: NotificationKind, tx?: EntityManager) {
    const row = await (tx ?? this.db.manager).findOne(NotificationPreference, {
      where: { userId: user.id, kind },
    });
    return effectiveDelivery(kind, user.role, row?.delivery);
  }

  /** Saves the signed-in user's choices; a mandatory kind cannot be turned off. */
  async save(actor: Actor, choices: Partial<Record<NotificationKind, Delivery>>): Promise<void> {
    const refused = Object.entries(choices)
      .filter(([kind, delivery]) => delivery === 'off' && kindRules[kind as NotificationKind].mandatory)
      .map(([kind]) => ({ field: kind, message: 'notifications.cannotTurnOff' }));
    if (refused.length > 0) throw new ValidationError(refused);
    await this.db.transaction(async (tx) => {
      for (const [kind, delivery] of Object.entries(choices) as Array<[NotificationKind, Delivery]>) {
        await tx.upsert(NotificationPreference, { userId: actor.id, kind, delivery }, ['userId', 'kind']);
      }
    });
  }
}
