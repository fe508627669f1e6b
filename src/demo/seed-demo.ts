import type { DataSource, EntityManager } from 'typeorm';
import { checkPhone } from '../shared/phone-number';
import { Grid } from '../units/grid.entity';
import { Unit } from '../units/unit.entity';
import { hashPassword } from '../users/password';
import { User } from '../users/user.entity';
import { demoAccounts, demoPassword } from './demo-accounts';
import { type DemoUnit, demoOrganisation } from './demo-organisation';

/** A demo unit's phone as the app stores it (normalised, as the admin form would). */
function storedPhone(demo: DemoUnit): string {
  const checked = checkPhone(demo.phone);
  if (!checked.ok) throw new Error(`demo unit ${demo.code}: ${demo.phone} is not a phone number`);
  return checked.value;
}

/**
 * When the demo units came into being: before the demo year (a year up to now) began, so every
 * month of it is one they owed a screening report for (a missing one shows as 缺报, not as a month
 * before the unit existed).
 */
export function demoUnitsSince(now: Date): Date {
  return new Date(now.getTime() - 400 * 86_400_000);
}

async function insertUnit(
  tx: EntityManager,
  demo: DemoUnit,
  parentId: string | null,
  createdAt: Date,
): Promise<void> {
  const unit = await tx.save(
    Unit,
    tx.create(Unit, {
      code: demo.code,
      nameZh: demo.nameZh,
      nameEn: demo.nameEn,
      kind: demo.kind,
      departmentKey: demo.departmentKey ?? null,
      phone: storedPhone(demo),
      parentId,
      createdAt,
    }),
  );
  for (const [suffix, nameZh, nameEn] of demo.grids ?? []) {
    await tx.save(
      Grid,
      tx.create(Grid, { code: `${demo.code}-${suffix}`, nameZh, nameEn, communityId: unit.id }),
    );
  }
  for (const child of demo.children ?? []) await insertUnit(tx, child, unit.id, createdAt);
}

async function insertDemoAccounts(tx: EntityManager, now: Date): Promise<void> {
  // the demo password is deliberately simple and not subject to the password rule
  const passwordHash = await hashPassword(demoPassword);
  for (const account of demoAccounts) {
    const unit = await tx.findOneOrFail(Unit, { where: { code: account.unitCode } });
    await tx.save(
      User,
      tx.create(User, {
        username: account.username,
        displayName: account.displayName,
        email: `${account.username}@demo.minhang.example`,
        role: account.role,
        unitId: unit.id,
        locale: 'zh-CN',
        passwordHash,
        mustChangePassword: false,
        passwordChangedAt: now,
      }),
    );
  }
}

/**
 * Seeds the demo organisation and the demo accounts in one transaction, once:
 * returns false (and writes nothing) when the district is already there. `now` is the app's
 * clock (a password set after the clock's now would refuse every sign-in of an app whose clock is pinned).
 */
export async function seedDemoOrganisation(db: DataSource, now: Date = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    // serialise concurrent first starts against one database
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['seed-demo']);
    if (await tx.exists(Unit, { where: { code: demoOrganisation.code } })) return false;
    await insertUnit(tx, demoOrganisation, null, demoUnitsSince(now));
    await insertDemoAccounts(tx, now);
    return true;
  });
}
