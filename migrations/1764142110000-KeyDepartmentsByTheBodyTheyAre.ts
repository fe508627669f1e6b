import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which administrative body a department unit is, by the key the rules tables use
 * (`administrativeBody.departmentKey`: `human_resources` 人社局, `health` 卫健委,
 * `housing_expropriation` 房屋征收部门, `planning_resources` 规划和自然资源局). The rules
 * then find the body a period belongs to — the health bureau's 5 working days to accept
 * (医疗纠纷预防和处理条例 §40) run only at the unit keyed `health`. Departments only.
 */
export class KeyDepartmentsByTheBodyTheyAre1764142110000 implements MigrationInterface {
  name = 'KeyDepartmentsByTheBodyTheyAre1764142110000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE units ADD COLUMN department_key varchar(32)');
    await db.query(
      `ALTER TABLE units ADD CONSTRAINT units_department_key_on_departments
       CHECK (department_key IS NULL OR kind = 'department')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE units DROP CONSTRAINT units_department_key_on_departments');
    await db.query('ALTER TABLE units DROP COLUMN department_key');
  }
}
