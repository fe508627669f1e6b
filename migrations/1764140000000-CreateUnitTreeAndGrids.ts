import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The three-level network: units as an ltree-indexed tree, and grid blocks under
 * communities. A trigger keeps `path` right on insert and on move (and refuses a
 * move into the unit's own subtree).
 */
export class CreateUnitTreeAndGrids1764140000000 implements MigrationInterface {
  name = 'CreateUnitTreeAndGrids1764140000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS ltree');
    await db.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name_zh varchar(200) NOT NULL,
        name_en varchar(200) NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('district', 'street', 'community', 'department', 'court')),
        parent_id uuid REFERENCES units(id),
        path ltree NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT units_root_is_district CHECK (parent_id IS NOT NULL OR kind = 'district')
      )`);
    await db.query('CREATE UNIQUE INDEX units_code_key ON units (code)');
    await db.query('CREATE INDEX units_path_gist ON units USING gist (path)');
    await db.query('CREATE INDEX units_parent_id_idx ON units (parent_id)');

    await db.query(`
      CREATE FUNCTION units_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        parent_path ltree;
        old_path ltree;
      BEGIN
        IF NEW.parent_id IS NULL THEN
          NEW.path := text2ltree(replace(NEW.id::text, '-', ''));
        ELSE
          SELECT path INTO parent_path FROM units WHERE id = NEW.parent_id;
          IF parent_path IS NULL THEN
            RAISE EXCEPTION 'parent unit % does not exist', NEW.parent_id USING ERRCODE = 'foreign_key_violation';
          END IF;
          IF TG_OP = 'UPDATE' AND parent_path <@ OLD.path THEN
            RAISE EXCEPTION 'a unit cannot move under itself' USING ERRCODE = 'check_violation';
          END IF;
          NEW.path := parent_path || text2ltree(replace(NEW.id::text, '-', ''));
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.path IS DISTINCT FROM OLD.path THEN
          old_path := OLD.path;
          UPDATE units SET path = NEW.path || subpath(path, nlevel(old_path))
            WHERE path <@ old_path AND id <> NEW.id;
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER units_set_path BEFORE INSERT OR UPDATE OF parent_id ON units
      FOR EACH ROW EXECUTE FUNCTION units_set_path()`);

    await db.query(`
      CREATE TABLE grids (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name_zh varchar(200) NOT NULL,
        name_en varchar(200) NOT NULL,
        community_id uuid NOT NULL REFERENCES units(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE UNIQUE INDEX grids_code_key ON grids (code)');
    await db.query('CREATE INDEX grids_community_id_idx ON grids (community_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE grids');
    await db.query('DROP TABLE units');
    await db.query('DROP FUNCTION units_set_path()');
  }
}
