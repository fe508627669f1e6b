import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workflow core: dispute cases and petitions, each with a snapshot (jsonb) plus
 * queryable columns kept in step with it, hash-chained append-only event logs,
 * parties with encrypted personal data, escalation records awaiting review,
 * mediation sessions, agreements, petition visits, links, gap-free numbering per
 * district and year, and the notification outbox.
 */
export class CreateCasesPetitionsAndTheirEventChains1764140200000 implements MigrationInterface {
  name = 'CreateCasesPetitionsAndTheirEventChains1764140200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');

    // gap-free numbers: the counter row is locked and bumped in the registering transaction
    await db.query(`
      CREATE TABLE record_numbers (
        series varchar(8) NOT NULL,
        district_id uuid NOT NULL REFERENCES units(id),
        year integer NOT NULL,
        last_seq integer NOT NULL,
        PRIMARY KEY (series, district_id, year)
      )`);

    await db.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(48) NOT NULL,
        district_id uuid NOT NULL REFERENCES units(id),
        type varchar(32) NOT NULL,
        title varchar(200) NOT NULL,
        description text NOT NULL,
        source varchar(20) NOT NULL,
        registered_unit_id uuid NOT NULL REFERENCES units(id),
        registered_by uuid REFERENCES users(id),
        holding_unit_id uuid NOT NULL REFERENCES units(id),
        held_unit_ids uuid[] NOT NULL,
        grid_id uuid REFERENCES grids(id),
        occurred_on date,
        amount_in_dispute numeric(16, 2),
        group_size integer,
        master_case_id uuid REFERENCES cases(id),
        state varchar(40) NOT NULL,
        outcome varchar(24),
        track varchar(16),
        level varchar(16),
        registered_level varchar(16),
        resolved_level varchar(16),
        mediator_id uuid REFERENCES users(id),
        rules_version integer NOT NULL,
        machine_version integer NOT NULL,
        snapshot jsonb NOT NULL,
        version integer NOT NULL DEFAULT 0,
        deadline jsonb,
        deadline_due date,
        overdue boolean NOT NULL DEFAULT false,
        imported boolean NOT NULL DEFAULT false,
        screened_at timestamptz,
        accepted_at timestamptz,
        closed_at timestamptz,
        -- closed within the deadline of the stage it closed in (on-time closure rate)
        closed_on_time boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE UNIQUE INDEX cases_number_key ON cases (number)');
    await db.query(
      'CREATE INDEX cases_registered_unit_created_idx ON cases (registered_unit_id, created_at)',
    );
    await db.query('CREATE INDEX cases_holding_unit_state_idx ON cases (holding_unit_id, state)');
    await db.query('CREATE INDEX cases_held_unit_ids_gin ON cases USING gin (held_unit_ids)');
    await db.query('CREATE INDEX cases_mediator_idx ON cases (mediator_id) WHERE mediator_id IS NOT NULL');
    await db.query(
      'CREATE INDEX cases_deadline_due_idx ON cases (deadline_due) WHERE deadline_due IS NOT NULL',
    );
    await db.query('CREATE INDEX cases_created_at_idx ON cases (district_id, created_at DESC)');
    await db.query(
      'CREATE INDEX cases_master_idx ON cases (master_case_id) WHERE master_case_id IS NOT NULL',
    );
    await db.query(
      `CREATE INDEX cases_search_trgm ON cases USING gin ((number || ' ' || title || ' ' || description) gin_trgm_ops)`,
    );

    await db.query(`
      CREATE TABLE parties (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid REFERENCES cases(id),
        petition_id uuid,
        position integer NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('applicant', 'respondent', 'third_party', 'petitioner')),
        kind varchar(16) NOT NULL CHECK (kind IN ('person', 'organisation')),
        name varchar(200) NOT NULL,
        id_number_encrypted text,
        id_number_hash char(64),
        id_number_masked varchar(32),
        phone_encrypted text,
        phone_hash char(64),
        phone_masked varchar(32),
        address text,
        representative boolean NOT NULL DEFAULT false,
        name_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((case_id IS NULL) <> (petition_id IS NULL))
      )`);
    await db.query('CREATE INDEX parties_case_idx ON parties (case_id)');
    await db.query('CREATE INDEX parties_petition_idx ON parties (petition_id)');
    await db.query(
      'CREATE INDEX parties_id_number_hash_idx ON parties (id_number_hash) WHERE id_number_hash IS NOT NULL',
    );
    await db.query(
      'CREATE INDEX parties_phone_hash_idx ON parties (phone_hash) WHERE phone_hash IS NOT NULL',
    );
    await db.query('CREATE INDEX parties_name_hash_idx ON parties (name_hash)');
    await db.query('CREATE INDEX parties_name_trgm ON parties USING gin (name gin_trgm_ops)');

    for (const [table, owner] of [
      ['case_events', 'case_id uuid NOT NULL REFERENCES cases(id)'],
      ['petition_events', 'petition_id uuid NOT NULL'],
    ] as const) {
      const ownerColumn = owner.split(' ')[0];
      await db.query(`
        CREATE TABLE ${table} (
          id bigserial PRIMARY KEY,
          ${owner},
          seq integer NOT NULL,
          type varchar(40) NOT NULL,
          actor_id uuid REFERENCES users(id),
          actor_name varchar(100),
          unit_id uuid REFERENCES units(id),
          at timestamptz NOT NULL,
          payload jsonb NOT NULL,
          from_state varchar(40),
          to_state varchar(40) NOT NULL,
          prev_hash char(64) NOT NULL,
          hash char(64) NOT NULL
        )`);
      await db.query(`CREATE UNIQUE INDEX ${table}_seq_key ON ${table} (${ownerColumn}, seq)`);
      // events are history: the app's own connection cannot rewrite them
      await db.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    }

    await db.query(`
      CREATE TABLE escalations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        event_seq integer NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('ESCALATE', 'RETURN_DOWN', 'TRANSFER')),
        from_unit_id uuid NOT NULL REFERENCES units(id),
        to_unit_id uuid NOT NULL REFERENCES units(id),
        from_level varchar(16),
        to_level varchar(16),
        from_track varchar(16),
        to_track varchar(16),
        reason_code varchar(24),
        reason text NOT NULL,
        sessions_held integer NOT NULL,
        days_held integer NOT NULL,
        by_user_id uuid REFERENCES users(id),
        status varchar(12) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'endorsed', 'questioned')),
        reviewer_id uuid REFERENCES users(id),
        review_comment text,
        reviewed_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await db.query(
      'CREATE INDEX escalations_to_unit_status_idx ON escalations (to_unit_id, status, created_at DESC)',
    );
    await db.query('CREATE INDEX escalations_case_idx ON escalations (case_id)');

    await db.query(`
      CREATE TABLE mediation_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        event_seq integer NOT NULL,
        kind varchar(12) NOT NULL CHECK (kind IN ('session', 'hearing', 'visit')),
        held_at timestamptz NOT NULL,
        place text,
        attendees text,
        minutes text NOT NULL,
        recorded_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX mediation_sessions_case_idx ON mediation_sessions (case_id, held_at)');

    await db.query(`
      CREATE TABLE agreements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        event_seq integer NOT NULL,
        form varchar(8) NOT NULL CHECK (form IN ('written', 'oral')),
        terms text NOT NULL,
        perform_by date,
        reached_on date NOT NULL,
        confirmation_window_ends_on date,
        status varchar(16) NOT NULL DEFAULT 'active'
          CHECK (status IN ('active', 'fulfilled', 'breached', 'superseded')),
        judicially_confirmed boolean NOT NULL DEFAULT false,
        ruling_no varchar(64),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX agreements_case_idx ON agreements (case_id)');
    await db.query(`CREATE INDEX agreements_due_idx ON agreements (perform_by) WHERE status = 'active'`);

    await db.query(`
      CREATE TABLE petitions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(48) NOT NULL,
        district_id uuid NOT NULL REFERENCES units(id),
        subject varchar(200) NOT NULL,
        content text NOT NULL,
        group_size integer,
        received_on date NOT NULL,
        holding_unit_id uuid NOT NULL REFERENCES units(id),
        held_unit_ids uuid[] NOT NULL,
        registered_by uuid REFERENCES users(id),
        agent_id uuid REFERENCES users(id),
        state varchar(40) NOT NULL,
        rules_version integer NOT NULL,
        machine_version integer NOT NULL,
        snapshot jsonb NOT NULL,
        version integer NOT NULL DEFAULT 0,
        flag_repeat boolean NOT NULL DEFAULT false,
        flag_group boolean NOT NULL DEFAULT false,
        flag_skip_level boolean NOT NULL DEFAULT false,
        due_dates jsonb NOT NULL DEFAULT '{}',
        overdue boolean NOT NULL DEFAULT false,
        next_visit_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE UNIQUE INDEX petitions_number_key ON petitions (number)');
    await db.query('CREATE INDEX petitions_agent_idx ON petitions (agent_id, state)');
    await db.query('CREATE INDEX petitions_held_unit_ids_gin ON petitions USING gin (held_unit_ids)');
    await db.query('ALTER TABLE parties ADD FOREIGN KEY (petition_id) REFERENCES petitions(id)');
    await db.query('ALTER TABLE petition_events ADD FOREIGN KEY (petition_id) REFERENCES petitions(id)');

    await db.query(`
      CREATE TABLE petition_visits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        petition_id uuid NOT NULL REFERENCES petitions(id),
        agent_id uuid NOT NULL REFERENCES users(id),
        visited_at timestamptz NOT NULL,
        place text NOT NULL,
        met_with text NOT NULL,
        summary text NOT NULL,
        demands text,
        mood varchar(8) CHECK (mood IN ('calm', 'anxious', 'agitated')),
        risk varchar(8) CHECK (risk IN ('low', 'medium', 'high')),
        promises text,
        next_visit_on date,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      'CREATE INDEX petition_visits_petition_idx ON petition_visits (petition_id, visited_at DESC)',
    );

    await db.query(`
      CREATE TABLE petition_case_links (
        petition_id uuid NOT NULL REFERENCES petitions(id),
        case_id uuid NOT NULL REFERENCES cases(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (petition_id, case_id)
      )`);
    await db.query('CREATE INDEX petition_case_links_case_idx ON petition_case_links (case_id)');

    await db.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        kind varchar(40) NOT NULL,
        recipient_user_id uuid REFERENCES users(id),
        recipient_unit_id uuid REFERENCES units(id),
        subject_type varchar(16) NOT NULL,
        subject_id uuid NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        failed_at timestamptz
      )`);
    await db.query(
      'CREATE INDEX outbox_pending_idx ON outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'outbox',
      'petition_case_links',
      'petition_visits',
      'petition_events',
      'parties',
      'petitions',
      'agreements',
      'mediation_sessions',
      'escalations',
      'case_events',
      'cases',
      'record_numbers',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
