import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A unit's public contact phone (联系电话), optional: the number a party is given to call —
 * on the progress lookup (`POST /track`'s `holdingUnit.phone`, the /track page) and on the
 * acceptance notices. The unit's own number, not personal data: kept in clear, normalised as
 * `checkPhone` answers it (02164123456, 13812345678, 02164123456-8001).
 */
export class GiveUnitsAPublicContactPhone1764201100000 implements MigrationInterface {
  name = 'GiveUnitsAPublicContactPhone1764201100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE units ADD COLUMN phone varchar(24)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE units DROP COLUMN phone');
  }
}
