import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Delivery, NotificationKind } from './notification-kinds';

/** What one user chose for one kind; no row means the kind's default (notification-kinds.ts). */
@Entity({ name: 'notification_preferences' })
export class NotificationPreference {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  kind!: NotificationKind;

  @Column({ type: 'varchar', length: 12 })
  delivery!: Delivery;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
