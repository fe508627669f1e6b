import type { Actor } from '../access/actor';
import type { Role } from '../access/roles';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ValidationError } from '../shared/errors';
import {
  type Delivery,
  effectiveDelivery,
  kindRules,
  type NotificationKind,
  notificationKinds,
} from './notification-kinds';
import type { NotificationPreferenceRepository } from './notification-preference.repository';

export interface PreferenceView {
  kind: NotificationKind;
  delivery: Delivery;
  /** Not chosen: the default applies. */
  isDefault: boolean;
  mandatory: boolean;
}

/** Each user's choice per kind: immediately, daily digest, or off (never off for overdue notices). */
export class NotificationPreferenceService {
  constructor(
    private readonly transactions: Transactions,
    private readonly preferences: NotificationPreferenceRepository,
  ) {}

  /** Every kind with what this user receives of it. */
  async listFor(user: { id: string; role: Role }): Promise<PreferenceView[]> {
    const chosen = await this.preferences.chosenBy(user.id);
    return notificationKinds.map((kind) => ({
      kind,
      delivery: effectiveDelivery(kind, user.role, chosen.get(kind)),
      isDefault: !chosen.has(kind),
      mandatory: kindRules[kind].mandatory,
    }));
  }

  /** Whether mail can reach this user at all (the page says so when it cannot). */
  async hasEmail(userId: string): Promise<boolean> {
    return Boolean(await this.preferences.emailOf(userId));
  }

  /** What this user receives of this kind, read at send time. */
  async deliveryFor(user: { id: string; role: Role }, kind: NotificationKind, tx?: Tx) {
    return effectiveDelivery(kind, user.role, await this.preferences.choiceOf(user.id, kind, tx));
  }

  /** Saves the signed-in user's choices; a mandatory kind cannot be turned off. */
  async save(actor: Actor, choices: Partial<Record<NotificationKind, Delivery>>): Promise<void> {
    const refused = Object.entries(choices)
      .filter(([kind, delivery]) => delivery === 'off' && kindRules[kind as NotificationKind].mandatory)
      .map(([kind]) => ({ field: kind, message: 'notifications.cannotTurnOff' }));
    if (refused.length > 0) throw new ValidationError(refused);
    await this.transactions.run(async (tx) => {
      for (const [kind, delivery] of Object.entries(choices) as Array<[NotificationKind, Delivery]>) {
        await this.preferences.save(tx, actor.id, kind, delivery);
      }
    });
  }
}
