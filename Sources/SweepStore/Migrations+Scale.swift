import PostgresStore

// MARK: - Compact parameter values

extension Migrations {
    /// The drawn parameter values of each run move from a jsonb object (about 1 kB of text a run,
    /// two thirds of the server's work in loading a run) to a float8[] aligned with
    /// `sweeps.uncertain_parameters` (20 values: 260 bytes). Two views keep SQL by name easy:
    /// `run_parameters` (one row per run and parameter) and `runs_with_params` (the runs with a
    /// jsonb `params` built on the fly, as the table had it before).
    static let compactParameterValues = Migration(version: 7, name: "runs.params jsonb -> runs.param_values float8[]", sql: """
        ALTER TABLE nepsim.runs ADD COLUMN param_values double precision[];
        UPDATE nepsim.runs r
        SET param_values = coalesce(ARRAY(
                SELECT (r.params ->> u.name)::float8
                FROM unnest(s.uncertain_parameters) WITH ORDINALITY AS u(name, position) ORDER BY u.position), '{}')
        FROM nepsim.sweeps s WHERE s.sweep_id = r.sweep_id;
        -- Runs whose sweep is gone (nothing references them) keep an empty array.
        UPDATE nepsim.runs SET param_values = '{}' WHERE param_values IS NULL;
        ALTER TABLE nepsim.runs DROP COLUMN params;
        ALTER TABLE nepsim.runs ALTER COLUMN param_values SET NOT NULL;
        COMMENT ON COLUMN nepsim.runs.param_values IS
            'The values the run''s design point drew, in the order of nepsim.sweeps.uncertain_parameters: '
            'param_values[array_position(s.uncertain_parameters, ''NAME'')]; or use nepsim.run_parameters.';

        -- One row per run and drawn parameter: GROUP BY parameter, or filter on one by name.
        CREATE VIEW nepsim.run_parameters AS
        SELECT r.sweep_id, r.point, r.replication, u.parameter, u.value
        FROM nepsim.runs r
        JOIN nepsim.sweeps s ON s.sweep_id = r.sweep_id
        CROSS JOIN LATERAL unnest(s.uncertain_parameters, r.param_values) AS u(parameter, value);

        -- The runs with their drawn values as a jsonb object (params->>'NAME'), for queries
        -- written against the old layout. Building the object costs time: prefer param_values.
        CREATE VIEW nepsim.runs_with_params AS
        SELECT r.*,
               (SELECT jsonb_object_agg(u.parameter, u.value)
                FROM unnest(s.uncertain_parameters, r.param_values) AS u(parameter, value)) AS params
        FROM nepsim.runs r
        JOIN nepsim.sweeps s ON s.sweep_id = r.sweep_id;

        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nepsim_analyst') THEN
                GRANT SELECT ON nepsim.run_parameters, nepsim.runs_with_params TO nepsim_analyst;
            END IF;
        END $$;
        """)
}

// MARK: - Analyze only after a sweep that changes the statistics (migration 8)

extension Migrations {
    /// Migration 4 analyzed `runs` whenever a sweep finished, inside the last task's completion:
    /// about 0.9 s of server time on a table of a million rows, paid again by every small sweep
    /// (an --until-ci batch of 2,000 runs included). Now only a sweep holding at least a fifth of
    /// the table's rows, which does change what the planner should believe, is analyzed at once;
    /// autovacuum analyzes the rest as the table grows by a tenth.
    static let analyzeOnlyLargeSweeps = Migration(version: 8, name: "ANALYZE at completion only after a large sweep", sql: """
        CREATE OR REPLACE FUNCTION nepsim.finish_sweep_if_complete(p_sweep_id bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE v_runs bigint;
        BEGIN
            -- Two workers completing a sweep's last two tasks at once would each see the other's
            -- task still running and neither close the sweep. The row lock (held to commit) makes
            -- the second check wait for the first transaction, and then see its task done.
            PERFORM 1 FROM nepsim.sweeps WHERE sweep_id = p_sweep_id FOR UPDATE;
            UPDATE nepsim.sweeps s
            SET state = CASE WHEN EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state = 'failed')
                             THEN 'failed' ELSE 'done' END,
                finished_at = now()
            WHERE s.sweep_id = p_sweep_id AND s.state = 'running'
              AND NOT EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state IN ('pending', 'running'))
            RETURNING s.runs_total INTO v_runs;
            -- reltuples is -1 (never analyzed) or the last estimate of the table's rows.
            IF FOUND AND v_runs * 5 >= (SELECT reltuples FROM pg_class WHERE oid = 'nepsim.runs'::regclass) THEN
                ANALYZE nepsim.runs;
                ANALYZE nepsim.run_years;
            END IF;
        END $$;
        REVOKE ALL ON FUNCTION nepsim.finish_sweep_if_complete(bigint) FROM PUBLIC;
        """)
}

// MARK: - Morris levels (migration 9)

extension Migrations {
    /// A Morris sweep's grid levels (`sweep launch --design morris --levels P`); NULL for other
    /// designs, and for Morris sweeps stored before it (they used 4).
    static let morrisLevels = Migration(version: 9, name: "sweeps.design_levels for Morris designs", sql: """
        ALTER TABLE nepsim.sweeps ADD COLUMN design_levels integer
            CHECK (design_levels IS NULL OR (design_levels >= 2 AND design_levels % 2 = 0));
        """)
}

// MARK: - A claim whose plan is cached (migration 10)

extension Migrations {
    /// `claim_task` was a SQL function, and PostgreSQL plans a non-inlined SQL function's
    /// statement afresh at every call: 0.3 ms of planning for 0.07 ms of work, most of a claim's
    /// server time with small tasks. In plpgsql the plan is prepared once per session. Same
    /// statement, same result columns, same grants (CREATE OR REPLACE keeps them).
    static let cachedClaimPlan = Migration(version: 10, name: "claim_task in plpgsql (plan cached per session)", sql: """
        CREATE OR REPLACE FUNCTION nepsim.claim_task(p_worker text, p_sweep bigint, p_lease float8)
        RETURNS TABLE (sweep_id bigint, task_id integer, first_run bigint, run_count integer, attempts integer)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            RETURN QUERY
            WITH candidate AS (
                SELECT t.sweep_id, t.task_id
                FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
                WHERE s.state = 'running'
                  AND (p_sweep IS NULL OR t.sweep_id = p_sweep)
                  AND (t.state = 'pending' OR (t.state = 'running' AND t.lease_expires_at < now()))
                ORDER BY t.sweep_id, t.task_id
                LIMIT 1
                FOR UPDATE OF t SKIP LOCKED
            )
            UPDATE nepsim.tasks t
            SET state = 'running', lease_owner = p_worker, lease_role = session_user, attempts = t.attempts + 1,
                started_at = now(), lease_expires_at = now() + make_interval(secs => least(greatest(p_lease, 1), 3600))
            FROM candidate c
            WHERE t.sweep_id = c.sweep_id AND t.task_id = c.task_id
            RETURNING t.sweep_id, t.task_id, t.first_run, t.run_count, t.attempts;
        END $$;
        """)
}

// MARK: - Derived objects (migration 11)

extension Migrations {
    /// Where the migrator records the text of the objects it generates rather than migrates (the
    /// views that list the outcome catalog: `CatalogViews`), so it replaces them only when this
    /// build's text differs: replacing a view takes a lock that would wait for every report
    /// reading it.
    static let derivedObjects = Migration(version: 11, name: "nepsim.derived_objects: generated views, by their text", sql: """
        CREATE TABLE nepsim.derived_objects (
            name text PRIMARY KEY,
            definition text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """)
}

// MARK: - Claims of several tasks (migration 12)

extension Migrations {
    /// A worker may claim up to N consecutive tasks of a sweep at once (`nepsim worker
    /// --claim-batch N`) and store them as one: one claim, one COPY, one completion for N tasks,
    /// which is what makes tiny tasks cheap (the per-task round trips and the completion's checks
    /// are most of a small task's cost). The batch is the first claimable task and the pending,
    /// never-tried tasks right after it, up to the first gap (a task another worker holds) and at
    /// most 100,000 runs; a task being retried is claimed alone, and a failed batch charges none
    /// of its tasks, so a task that keeps failing fails alone. Each task keeps
    /// its own row, lease and attempts; the functions below take the batch as a task range and do
    /// what `claim_task`, `complete_task`, `fail_task`, `release_task` and `renew_lease` do for
    /// one task (those stay, for SQL written against them, as calls of these).
    static let taskBatches = Migration(version: 12, name: "claim, complete, fail, release and renew consecutive tasks", sql: """
        CREATE FUNCTION nepsim.claim_tasks(p_worker text, p_sweep bigint, p_lease float8, p_limit integer)
        RETURNS TABLE (sweep_id bigint, task_id integer, first_run bigint, run_count integer, attempts integer)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            v_sweep bigint;
            v_first integer;
            v_fresh boolean;
            v_last integer;
            v_runs bigint;
            v_next_runs integer;
        BEGIN
            SELECT t.sweep_id, t.task_id, t.attempts = 0 AND t.last_error IS NULL, t.run_count
            INTO v_sweep, v_first, v_fresh, v_runs
            FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
            WHERE s.state = 'running'
              AND (p_sweep IS NULL OR t.sweep_id = p_sweep)
              AND (t.state = 'pending' OR (t.state = 'running' AND t.lease_expires_at < now()))
            ORDER BY t.sweep_id, t.task_id
            LIMIT 1
            FOR UPDATE OF t SKIP LOCKED;
            IF NOT FOUND THEN
                RETURN;
            END IF;
            v_last := v_first;
            -- One row at a time, so that no task past the batch is locked (a cursor over all the
            -- candidates would lock the rows it fetched ahead, hiding them from other claims).
            -- A batch holds at most 100,000 runs: it is for tiny tasks, and its rows are held in
            -- memory and stored in one transaction.
            WHILE v_fresh AND v_last - v_first + 1 < least(p_limit, 1000) LOOP
                SELECT t.run_count INTO v_next_runs FROM nepsim.tasks t
                WHERE t.sweep_id = v_sweep AND t.task_id = v_last + 1
                  AND t.state = 'pending' AND t.attempts = 0 AND t.last_error IS NULL
                FOR UPDATE SKIP LOCKED;
                EXIT WHEN NOT FOUND OR v_runs + v_next_runs > 100000;
                v_last := v_last + 1;
                v_runs := v_runs + v_next_runs;
            END LOOP;
            RETURN QUERY
            UPDATE nepsim.tasks t
            SET state = 'running', lease_owner = p_worker, lease_role = session_user, attempts = t.attempts + 1,
                started_at = now(), lease_expires_at = now() + make_interval(secs => least(greatest(p_lease, 1), 3600))
            WHERE t.sweep_id = v_sweep AND t.task_id BETWEEN v_first AND v_last
            RETURNING t.sweep_id, t.task_id, t.first_run, t.run_count, t.attempts;
        END $$;

        CREATE FUNCTION nepsim.renew_leases(p_worker text, p_sweep bigint, p_first_task integer, p_last_task integer,
                                            p_lease float8) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF p_sweep IS NOT NULL THEN
                UPDATE nepsim.tasks SET lease_expires_at = now() + make_interval(secs => least(greatest(p_lease, 1), 3600))
                WHERE sweep_id = p_sweep AND task_id BETWEEN p_first_task AND p_last_task AND state = 'running'
                  AND lease_owner = p_worker AND lease_role = session_user;
            END IF;
            UPDATE nepsim.workers SET last_heartbeat = now() WHERE worker_id = p_worker AND login = session_user;
        END $$;

        -- The tasks' rows were inserted in this transaction (the trigger let them in only under
        -- this login's live leases); here every lease of the range is checked again, every run of
        -- the range must be stored, and the tasks are marked done. False if any lease was lost
        -- (the caller rolls back: all of the range or none of it).
        CREATE FUNCTION nepsim.complete_tasks(p_worker text, p_sweep bigint, p_first_task integer, p_last_task integer)
        RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            v_held integer;
            v_runs bigint;
            v_first_run bigint;
            v_end_run bigint;
            v_replications integer;
            v_stored bigint;
        BEGIN
            IF p_last_task < p_first_task THEN
                RETURN false;
            END IF;
            SELECT count(*), sum(t.run_count), min(t.first_run), max(t.first_run + t.run_count)
            INTO v_held, v_runs, v_first_run, v_end_run
            FROM (SELECT * FROM nepsim.tasks
                  WHERE sweep_id = p_sweep AND task_id BETWEEN p_first_task AND p_last_task AND state = 'running'
                    AND lease_owner = p_worker AND lease_role = session_user
                  FOR UPDATE) t;
            IF v_held <> p_last_task - p_first_task + 1 THEN
                RETURN false;
            END IF;
            SELECT replications INTO v_replications FROM nepsim.sweeps WHERE sweep_id = p_sweep;
            SELECT count(*) INTO v_stored FROM nepsim.runs r
            WHERE r.sweep_id = p_sweep
              AND r.point BETWEEN v_first_run / v_replications AND (v_end_run - 1) / v_replications
              AND r.point::bigint * v_replications + r.replication BETWEEN v_first_run AND v_end_run - 1;
            IF v_stored <> v_runs AND p_first_task = p_last_task THEN
                RAISE EXCEPTION 'task % of sweep % has % of its % runs stored', p_first_task, p_sweep, v_stored, v_runs
                    USING ERRCODE = 'check_violation';
            ELSIF v_stored <> v_runs THEN
                RAISE EXCEPTION 'tasks % to % of sweep % have % of their % runs stored', p_first_task, p_last_task, p_sweep,
                    v_stored, v_runs USING ERRCODE = 'check_violation';
            END IF;
            UPDATE nepsim.tasks SET state = 'done', finished_at = now(), lease_expires_at = NULL, last_error = NULL
            WHERE sweep_id = p_sweep AND task_id BETWEEN p_first_task AND p_last_task;
            UPDATE nepsim.workers SET runs_done = runs_done + v_stored, last_heartbeat = now()
            WHERE worker_id = p_worker AND login = session_user;
            PERFORM nepsim.finish_sweep_if_complete(p_sweep);
            RETURN true;
        END $$;

        -- One task: an attempt counted, failed for good after the sweep's max_attempts. A batch:
        -- which of its tasks failed is not known, so none is charged: each goes back pending with
        -- the attempt undone and the error kept, and (having an error) is claimed alone next
        -- time, where its attempts count. So a task that keeps failing fails by itself.
        CREATE FUNCTION nepsim.fail_tasks(p_worker text, p_sweep bigint, p_first_task integer, p_last_task integer,
                                          p_error text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            v_batch boolean := p_last_task > p_first_task;
        BEGIN
            UPDATE nepsim.tasks t
            SET state = CASE WHEN NOT v_batch AND t.attempts >= s.max_attempts THEN 'failed' ELSE 'pending' END,
                attempts = CASE WHEN v_batch THEN greatest(t.attempts - 1, 0) ELSE t.attempts END,
                lease_owner = NULL, lease_role = NULL, lease_expires_at = NULL,
                last_error = left(CASE WHEN v_batch THEN 'in a batch of tasks ' || p_first_task || '-' || p_last_task || ': '
                                       ELSE '' END || p_error, 2000),
                finished_at = CASE WHEN NOT v_batch AND t.attempts >= s.max_attempts THEN now() END
            FROM nepsim.sweeps s
            WHERE s.sweep_id = t.sweep_id AND t.sweep_id = p_sweep AND t.task_id BETWEEN p_first_task AND p_last_task
              AND t.state = 'running' AND t.lease_owner = p_worker AND t.lease_role = session_user;
            PERFORM nepsim.finish_sweep_if_complete(p_sweep);
        END $$;

        CREATE FUNCTION nepsim.release_tasks(p_worker text, p_sweep bigint, p_first_task integer, p_last_task integer)
        RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            UPDATE nepsim.tasks SET state = 'pending', lease_owner = NULL, lease_role = NULL, lease_expires_at = NULL,
                attempts = greatest(attempts - 1, 0)
            WHERE sweep_id = p_sweep AND task_id BETWEEN p_first_task AND p_last_task AND state = 'running'
              AND lease_owner = p_worker AND lease_role = session_user
        $$;

        -- The one-task functions, kept for workers built before this migration, become the
        -- range functions for a range of one, so the two cannot drift apart.
        CREATE OR REPLACE FUNCTION nepsim.claim_task(p_worker text, p_sweep bigint, p_lease float8)
        RETURNS TABLE (sweep_id bigint, task_id integer, first_run bigint, run_count integer, attempts integer)
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT * FROM nepsim.claim_tasks(p_worker, p_sweep, p_lease, 1)
        $$;
        CREATE OR REPLACE FUNCTION nepsim.renew_lease(p_worker text, p_sweep bigint, p_task integer, p_lease float8) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT nepsim.renew_leases(p_worker, p_sweep, p_task, p_task, p_lease)
        $$;
        CREATE OR REPLACE FUNCTION nepsim.complete_task(p_worker text, p_sweep bigint, p_task integer) RETURNS boolean
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT nepsim.complete_tasks(p_worker, p_sweep, p_task, p_task)
        $$;
        CREATE OR REPLACE FUNCTION nepsim.fail_task(p_worker text, p_sweep bigint, p_task integer, p_error text) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT nepsim.fail_tasks(p_worker, p_sweep, p_task, p_task, p_error)
        $$;
        CREATE OR REPLACE FUNCTION nepsim.release_task(p_worker text, p_sweep bigint, p_task integer) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT nepsim.release_tasks(p_worker, p_sweep, p_task, p_task)
        $$;

        DO $$ DECLARE f text; BEGIN
            FOREACH f IN ARRAY ARRAY['claim_tasks(text, bigint, float8, integer)',
                'renew_leases(text, bigint, integer, integer, float8)', 'complete_tasks(text, bigint, integer, integer)',
                'fail_tasks(text, bigint, integer, integer, text)', 'release_tasks(text, bigint, integer, integer)']
            LOOP
                EXECUTE 'REVOKE ALL ON FUNCTION nepsim.' || f || ' FROM PUBLIC';
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nepsim_worker') THEN
                    EXECUTE 'GRANT EXECUTE ON FUNCTION nepsim.' || f || ' TO nepsim_worker';
                END IF;
            END LOOP;
        END $$;
        """)
}

// MARK: - Yearly series as arrays (migration 13)

extension Migrations {
    /// A run's yearly series become one row of `nepsim.run_series` (each series an array, one
    /// element a year from `first_year`) instead of fourteen rows of `nepsim.run_years`, which
    /// becomes a view giving the same rows as before (SQL written against it keeps working).
    /// Measured on binary COPY of 100,000 runs (1.4 million yearly rows): the server's CPU per run
    /// fell by about half; the fourteen rows cost a heap tuple, a WAL record and an insertion into
    /// a four-column primary key each, the arrays one of each a run. Exactly-once is kept by the
    /// primary key on the run. Rows of about 3.4 kB stay in the table uncompressed
    /// (`toast_tuple_target`): compressing random doubles costs more than it saves.
    /// Existing yearly rows are moved (a run's years must be consecutive). The views built on
    /// `run_years` are recreated and the generated ones reapplied by the migrator after this;
    /// rights on the new objects are granted to the nepsim roles if `nepsim db roles` made them.
    static let seriesArrays = Migration(version: 13, name: "run_years rows -> run_series arrays, run_years a view", sql: """
        CREATE TABLE nepsim.run_series (
            sweep_id bigint NOT NULL,
            point bigint NOT NULL,
            replication integer NOT NULL,
            first_year smallint NOT NULL,
            leader text[] NOT NULL,
            harvest_mt double precision[] NOT NULL,
            procurement_mt double precision[] NOT NULL,
            grain_exports_mt double precision[] NOT NULL,
            grain_imports_mt double precision[] NOT NULL,
            machinery_imports double precision[] NOT NULL,
            urban_population_m double precision[] NOT NULL,
            rural_population_m double precision[] NOT NULL,
            famine_deaths double precision[] NOT NULL,
            producer_output double precision[] NOT NULL,
            consumer_output double precision[] NOT NULL,
            producer_capital double precision[] NOT NULL,
            consumer_capital double precision[] NOT NULL,
            horses_m double precision[] NOT NULL,
            cattle_m double precision[] NOT NULL,
            tractors_m_horse_equivalent double precision[] NOT NULL,
            peasant_trust double precision[] NOT NULL,
            collectivized_share double precision[] NOT NULL,
            coercion double precision[] NOT NULL,
            unrest double precision[] NOT NULL,
            camp_population_m double precision[] NOT NULL,
            real_wage double precision[] NOT NULL,
            steel_mt double precision[] NOT NULL,
            PRIMARY KEY (sweep_id, point, replication),
            -- Every array one-dimensional from 1, as long as the leaders' (the view reads
            -- element i of each): array_dims gives '[1:14]'.
            CHECK (cardinality(leader) > 0 AND array_dims(leader) = '[1:' || cardinality(leader) || ']'
                AND array_dims(harvest_mt) = array_dims(leader)
                AND array_dims(procurement_mt) = array_dims(leader)
                AND array_dims(grain_exports_mt) = array_dims(leader)
                AND array_dims(grain_imports_mt) = array_dims(leader)
                AND array_dims(machinery_imports) = array_dims(leader)
                AND array_dims(urban_population_m) = array_dims(leader)
                AND array_dims(rural_population_m) = array_dims(leader)
                AND array_dims(famine_deaths) = array_dims(leader)
                AND array_dims(producer_output) = array_dims(leader)
                AND array_dims(consumer_output) = array_dims(leader)
                AND array_dims(producer_capital) = array_dims(leader)
                AND array_dims(consumer_capital) = array_dims(leader)
                AND array_dims(horses_m) = array_dims(leader)
                AND array_dims(cattle_m) = array_dims(leader)
                AND array_dims(tractors_m_horse_equivalent) = array_dims(leader)
                AND array_dims(peasant_trust) = array_dims(leader)
                AND array_dims(collectivized_share) = array_dims(leader)
                AND array_dims(coercion) = array_dims(leader)
                AND array_dims(unrest) = array_dims(leader)
                AND array_dims(camp_population_m) = array_dims(leader)
                AND array_dims(real_wage) = array_dims(leader)
                AND array_dims(steel_mt) = array_dims(leader))
        ) WITH (toast_tuple_target = 8160);
        -- No statistics on the arrays' elements: nothing filters on them, and gathering them made
        -- ANALYZE of the table about three times as long.
        ALTER TABLE nepsim.run_series ALTER COLUMN leader SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN harvest_mt SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN procurement_mt SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN grain_exports_mt SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN grain_imports_mt SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN machinery_imports SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN urban_population_m SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN rural_population_m SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN famine_deaths SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN producer_output SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN consumer_output SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN producer_capital SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN consumer_capital SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN horses_m SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN cattle_m SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN tractors_m_horse_equivalent SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN peasant_trust SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN collectivized_share SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN coercion SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN unrest SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN camp_population_m SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN real_wage SET STATISTICS 0;
        ALTER TABLE nepsim.run_series ALTER COLUMN steel_mt SET STATISTICS 0;

        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM nepsim.run_years GROUP BY sweep_id, point, replication
                       HAVING max(year) - min(year) + 1 <> count(*)) THEN
                RAISE EXCEPTION 'some run''s yearly rows are not consecutive years; cannot move them into nepsim.run_series';
            END IF;
        END $$;
        INSERT INTO nepsim.run_series
        SELECT sweep_id, point, replication, min(year), array_agg(leader ORDER BY year),
               array_agg(harvest_mt ORDER BY year),
               array_agg(procurement_mt ORDER BY year),
               array_agg(grain_exports_mt ORDER BY year),
               array_agg(grain_imports_mt ORDER BY year),
               array_agg(machinery_imports ORDER BY year),
               array_agg(urban_population_m ORDER BY year),
               array_agg(rural_population_m ORDER BY year),
               array_agg(famine_deaths ORDER BY year),
               array_agg(producer_output ORDER BY year),
               array_agg(consumer_output ORDER BY year),
               array_agg(producer_capital ORDER BY year),
               array_agg(consumer_capital ORDER BY year),
               array_agg(horses_m ORDER BY year),
               array_agg(cattle_m ORDER BY year),
               array_agg(tractors_m_horse_equivalent ORDER BY year),
               array_agg(peasant_trust ORDER BY year),
               array_agg(collectivized_share ORDER BY year),
               array_agg(coercion ORDER BY year),
               array_agg(unrest ORDER BY year),
               array_agg(camp_population_m ORDER BY year),
               array_agg(real_wage ORDER BY year),
               array_agg(steel_mt ORDER BY year)
        FROM nepsim.run_years GROUP BY sweep_id, point, replication;

        DROP VIEW nepsim.yearly_fans;
        DROP VIEW nepsim.run_year_values;
        DROP TABLE nepsim.run_years;

        -- One row per run and year, as the table was.
        CREATE VIEW nepsim.run_years AS
        SELECT s.sweep_id, s.point, s.replication, (s.first_year + i - 1)::smallint AS year, y.leader,
               s.harvest_mt[i] AS harvest_mt,
               s.procurement_mt[i] AS procurement_mt,
               s.grain_exports_mt[i] AS grain_exports_mt,
               s.grain_imports_mt[i] AS grain_imports_mt,
               s.machinery_imports[i] AS machinery_imports,
               s.urban_population_m[i] AS urban_population_m,
               s.rural_population_m[i] AS rural_population_m,
               s.famine_deaths[i] AS famine_deaths,
               s.producer_output[i] AS producer_output,
               s.consumer_output[i] AS consumer_output,
               s.producer_capital[i] AS producer_capital,
               s.consumer_capital[i] AS consumer_capital,
               s.horses_m[i] AS horses_m,
               s.cattle_m[i] AS cattle_m,
               s.tractors_m_horse_equivalent[i] AS tractors_m_horse_equivalent,
               s.peasant_trust[i] AS peasant_trust,
               s.collectivized_share[i] AS collectivized_share,
               s.coercion[i] AS coercion,
               s.unrest[i] AS unrest,
               s.camp_population_m[i] AS camp_population_m,
               s.real_wage[i] AS real_wage,
               s.steel_mt[i] AS steel_mt
        FROM nepsim.run_series s
        CROSS JOIN LATERAL unnest(s.leader) WITH ORDINALITY AS y(leader, i);

        -- Recreated as migration 2 made them; the generated text replaces run_year_values next.
        CREATE VIEW nepsim.run_year_values AS
        SELECT y.sweep_id, y.point, y.replication, y.year, s.series, s.unit, s.value
        FROM nepsim.run_years y
        CROSS JOIN LATERAL (VALUES ('harvest_mt', 'Mt', y.harvest_mt)) AS s(series, unit, value);
        DELETE FROM nepsim.derived_objects;
        CREATE VIEW nepsim.yearly_fans AS
        SELECT sweep_id, series, unit, year, count(value) AS n,
               percentile_cont(0.05) WITHIN GROUP (ORDER BY value) AS p05,
               percentile_cont(0.25) WITHIN GROUP (ORDER BY value) AS p25,
               percentile_cont(0.50) WITHIN GROUP (ORDER BY value) AS p50,
               percentile_cont(0.75) WITHIN GROUP (ORDER BY value) AS p75,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY value) AS p95
        FROM nepsim.run_year_values
        GROUP BY sweep_id, series, unit, year;

        CREATE TRIGGER results_only_for_held_tasks AFTER INSERT ON nepsim.run_series
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nepsim.check_results_held();

        -- As migration 8 made it, without ANALYZE of the series, which named a table that is now a
        -- view (ANALYZE of a view only warns): their sample (30,000 rows of 3.4 kB read at random)
        -- cost the last worker's commit a minute at the end of a 1M-run sweep here, with the sweep
        -- already done; the series are read by sweep through the primary key, and autovacuum
        -- analyzes the table as it grows.
        CREATE OR REPLACE FUNCTION nepsim.finish_sweep_if_complete(p_sweep_id bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE v_runs bigint;
        BEGIN
            PERFORM 1 FROM nepsim.sweeps WHERE sweep_id = p_sweep_id FOR UPDATE;
            UPDATE nepsim.sweeps s
            SET state = CASE WHEN EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state = 'failed')
                             THEN 'failed' ELSE 'done' END,
                finished_at = now()
            WHERE s.sweep_id = p_sweep_id AND s.state = 'running'
              AND NOT EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state IN ('pending', 'running'))
            RETURNING s.runs_total INTO v_runs;
            IF FOUND AND v_runs * 5 >= (SELECT reltuples FROM pg_class WHERE oid = 'nepsim.runs'::regclass) THEN
                ANALYZE nepsim.runs;
            END IF;
        END $$;

        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nepsim_worker') THEN
                GRANT INSERT ON nepsim.run_series TO nepsim_worker;
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nepsim_analyst') THEN
                GRANT SELECT ON nepsim.run_series, nepsim.run_years, nepsim.run_year_values, nepsim.yearly_fans TO nepsim_analyst;
            END IF;
        END $$;
        """)
}

// MARK: - Waking idle workers (migration 14)

extension Migrations {
    /// A worker with nothing to claim sleeps until a notification on `nepsim_tasks` (sent by a
    /// launch or a retry) or for two seconds. Nothing was sent when a task went back to pending
    /// (a failure, a release) or when a sweep finished, so idle workers noticed up to two seconds
    /// late: a retried task waited, and every `--exit-when-idle` worker (those `--local-workers`
    /// starts) stayed up to two seconds after the sweep was done, which on a sweep of 100,000 runs
    /// was half of its time. Notifications are sent at commit, and one a sweep per transaction.
    static let wakeIdleWorkers = Migration(version: 14, name: "notify nepsim_tasks when a task reopens or a sweep ends", sql: """
        CREATE FUNCTION nepsim.notify_workers() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            PERFORM pg_notify('nepsim_tasks', NEW.sweep_id::text);
            RETURN NULL;
        END $$;
        CREATE TRIGGER task_reopened AFTER UPDATE OF state ON nepsim.tasks
            FOR EACH ROW WHEN (OLD.state <> 'pending' AND NEW.state = 'pending')
            EXECUTE FUNCTION nepsim.notify_workers();
        CREATE TRIGGER sweep_ended AFTER UPDATE OF state ON nepsim.sweeps
            FOR EACH ROW WHEN (OLD.state = 'running' AND NEW.state <> 'running')
            EXECUTE FUNCTION nepsim.notify_workers();
        """)
}

// MARK: - Storing a task for less (migration 15)

extension Migrations {
    /// Two costs of storing a task, found by profiling the server during sweeps:
    ///
    /// - The check that a worker login's rows are runs of tasks it holds looked up the tasks once
    ///   per row (a subquery for each of a task's thousands of rows). It now reads the statement's
    ///   rows once: each sweep's rows span runs `first...last`, and they pass only if every row is
    ///   well formed (a replication of the sweep, a point from 0) and the tasks this login holds
    ///   under a live lease cover the whole span. Tasks of a sweep never overlap, so the span is
    ///   covered exactly when the held tasks' overlaps with it add up to its length, and then
    ///   every row in it is a held run: the same rows pass as before, but for rows whose
    ///   replication lies outside the sweep's, which are now refused (they could stand for another
    ///   run's number).
    /// - A large sweep's completion analyzed every column of `nepsim.runs` inside the last
    ///   worker's commit: 1.2 s for a table of 400,000 runs here, a tenth of a 100,000-run sweep's
    ///   time, and 5-30 s at the end of a 1M-run sweep. The report's plans need the table's size
    ///   and which sweeps it holds (`sweep_id`); with only that column's statistics fresh the
    ///   report of a 1M-run sweep took the same time as with all of them (7.1-7.3 s against
    ///   7.1-7.9 s), and analyzing that column alone took a tenth of the time (0.12 s).
    ///   Autovacuum analyzes the other columns as the table grows.
    static let cheaperStoring = Migration(version: 15, name: "check a task's rows in one pass; a sweep's completion analyzes nepsim.runs (sweep_id) only", sql: """
        CREATE OR REPLACE FUNCTION nepsim.check_results_held() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE v_bad bigint;
        BEGIN
            IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
               OR pg_has_role(session_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'nepsim'), 'MEMBER') THEN
                RETURN NULL;
            END IF;
            WITH spans AS (
                SELECT n.sweep_id, count(*) AS row_count,
                       min(n.point * s.replications + n.replication) AS first_run,
                       max(n.point * s.replications + n.replication) AS last_run,
                       bool_and(s.sweep_id IS NOT NULL AND n.point >= 0 AND n.replication >= 0
                                AND n.replication < s.replications) AS well_formed
                FROM new_rows n LEFT JOIN nepsim.sweeps s ON s.sweep_id = n.sweep_id
                GROUP BY n.sweep_id)
            SELECT coalesce(sum(p.row_count), 0) INTO v_bad FROM spans p
            WHERE p.well_formed IS NOT TRUE OR p.last_run - p.first_run + 1 <> (
                SELECT coalesce(sum(least(t.first_run + t.run_count - 1, p.last_run) - greatest(t.first_run, p.first_run) + 1), 0)
                FROM nepsim.tasks t
                WHERE t.sweep_id = p.sweep_id AND t.state = 'running' AND t.lease_role = session_user
                  AND t.lease_expires_at > now()
                  AND t.first_run <= p.last_run AND t.first_run + t.run_count - 1 >= p.first_run);
            IF v_bad > 0 THEN
                RAISE EXCEPTION 'permission denied: % rows for runs of no task this login holds under a live lease', v_bad
                    USING ERRCODE = 'insufficient_privilege',
                          DETAIL = 'Counted are all the rows of each sweep some of whose rows are not held runs.';
            END IF;
            RETURN NULL;
        END $$;

        CREATE OR REPLACE FUNCTION nepsim.finish_sweep_if_complete(p_sweep_id bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE v_runs bigint;
        BEGIN
            PERFORM 1 FROM nepsim.sweeps WHERE sweep_id = p_sweep_id FOR UPDATE;
            UPDATE nepsim.sweeps s
            SET state = CASE WHEN EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state = 'failed')
                             THEN 'failed' ELSE 'done' END,
                finished_at = now()
            WHERE s.sweep_id = p_sweep_id AND s.state = 'running'
              AND NOT EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state IN ('pending', 'running'))
            RETURNING s.runs_total INTO v_runs;
            IF FOUND AND v_runs * 5 >= (SELECT reltuples FROM pg_class WHERE oid = 'nepsim.runs'::regclass) THEN
                ANALYZE nepsim.runs (sweep_id);
            END IF;
        END $$;
        """)
}

// MARK: - The series' shape checked without formatting text (migration 16)

extension Migrations {
    /// Migration 13's check on `nepsim.run_series` compared each array's `array_dims` text with
    /// the leaders': 23 strings formatted for every run stored, 4.4% of the server's time while
    /// storing series in a profile. The same condition (every array one-dimensional, from 1, as
    /// long as the leaders', which are not empty: an empty array has no dimensions, the functions
    /// then answer NULL, and a check lets NULL pass) is now asked with integer functions. The
    /// rows already stored met the old check, which says the same, so the new one is not
    /// validated against them again (a scan of the whole table): an operator who wants it marked
    /// validated can run `ALTER TABLE nepsim.run_series VALIDATE CONSTRAINT run_series_arrays_aligned`.
    static let seriesShapeWithoutText = Migration(version: 16, name: "check the series arrays' shape with integer functions", sql: """
        ALTER TABLE nepsim.run_series DROP CONSTRAINT run_series_check;
        ALTER TABLE nepsim.run_series ADD CONSTRAINT run_series_arrays_aligned
            CHECK (cardinality(leader) > 0 AND array_ndims(leader) = 1 AND array_lower(leader, 1) = 1
                AND array_ndims(harvest_mt) = 1 AND array_lower(harvest_mt, 1) = 1 AND cardinality(harvest_mt) = cardinality(leader)
                AND array_ndims(procurement_mt) = 1 AND array_lower(procurement_mt, 1) = 1 AND cardinality(procurement_mt) = cardinality(leader)
                AND array_ndims(grain_exports_mt) = 1 AND array_lower(grain_exports_mt, 1) = 1 AND cardinality(grain_exports_mt) = cardinality(leader)
                AND array_ndims(grain_imports_mt) = 1 AND array_lower(grain_imports_mt, 1) = 1 AND cardinality(grain_imports_mt) = cardinality(leader)
                AND array_ndims(machinery_imports) = 1 AND array_lower(machinery_imports, 1) = 1 AND cardinality(machinery_imports) = cardinality(leader)
                AND array_ndims(urban_population_m) = 1 AND array_lower(urban_population_m, 1) = 1 AND cardinality(urban_population_m) = cardinality(leader)
                AND array_ndims(rural_population_m) = 1 AND array_lower(rural_population_m, 1) = 1 AND cardinality(rural_population_m) = cardinality(leader)
                AND array_ndims(famine_deaths) = 1 AND array_lower(famine_deaths, 1) = 1 AND cardinality(famine_deaths) = cardinality(leader)
                AND array_ndims(producer_output) = 1 AND array_lower(producer_output, 1) = 1 AND cardinality(producer_output) = cardinality(leader)
                AND array_ndims(consumer_output) = 1 AND array_lower(consumer_output, 1) = 1 AND cardinality(consumer_output) = cardinality(leader)
                AND array_ndims(producer_capital) = 1 AND array_lower(producer_capital, 1) = 1 AND cardinality(producer_capital) = cardinality(leader)
                AND array_ndims(consumer_capital) = 1 AND array_lower(consumer_capital, 1) = 1 AND cardinality(consumer_capital) = cardinality(leader)
                AND array_ndims(horses_m) = 1 AND array_lower(horses_m, 1) = 1 AND cardinality(horses_m) = cardinality(leader)
                AND array_ndims(cattle_m) = 1 AND array_lower(cattle_m, 1) = 1 AND cardinality(cattle_m) = cardinality(leader)
                AND array_ndims(tractors_m_horse_equivalent) = 1 AND array_lower(tractors_m_horse_equivalent, 1) = 1 AND cardinality(tractors_m_horse_equivalent) = cardinality(leader)
                AND array_ndims(peasant_trust) = 1 AND array_lower(peasant_trust, 1) = 1 AND cardinality(peasant_trust) = cardinality(leader)
                AND array_ndims(collectivized_share) = 1 AND array_lower(collectivized_share, 1) = 1 AND cardinality(collectivized_share) = cardinality(leader)
                AND array_ndims(coercion) = 1 AND array_lower(coercion, 1) = 1 AND cardinality(coercion) = cardinality(leader)
                AND array_ndims(unrest) = 1 AND array_lower(unrest, 1) = 1 AND cardinality(unrest) = cardinality(leader)
                AND array_ndims(camp_population_m) = 1 AND array_lower(camp_population_m, 1) = 1 AND cardinality(camp_population_m) = cardinality(leader)
                AND array_ndims(real_wage) = 1 AND array_lower(real_wage, 1) = 1 AND cardinality(real_wage) = cardinality(leader)
                AND array_ndims(steel_mt) = 1 AND array_lower(steel_mt, 1) = 1 AND cardinality(steel_mt) = cardinality(leader)) NOT VALID;
        """)
}

// MARK: - Plans kept for the session (migration 17)

extension Migrations {
    /// plpgsql keeps a statement's plan for the session once a plan made for any parameter
    /// values (generic) is estimated no dearer than the plans made for the values at hand. Three
    /// statements on every task's way failed that test and were planned at every call: the claim's
    /// search (`p_sweep IS NULL OR ...`), the completion's count of stored runs (bounds computed in
    /// the function), and the closing UPDATE of `finish_sweep_if_complete`. With tasks of one run
    /// that planning was a fifth of the server's time (pg_stat_statements, `nepsim bench-queue
    /// --task-size 1`: 950 ms of planning in 4.9 s). Same results, same grants (CREATE OR REPLACE
    /// keeps them); the completion's lock and checks are unchanged.
    static let plansKeptForTheSession = Migration(version: 17, name: "claim, completion and sweep closing with plans kept for the session", sql: """
        CREATE OR REPLACE FUNCTION nepsim.claim_tasks(p_worker text, p_sweep bigint, p_lease float8, p_limit integer)
        RETURNS TABLE (sweep_id bigint, task_id integer, first_run bigint, run_count integer, attempts integer)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            v_sweep bigint;
            v_first integer;
            v_fresh boolean;
            v_last integer;
            v_runs bigint;
            v_next_runs integer;
        BEGIN
            -- Two statements, not `p_sweep IS NULL OR t.sweep_id = p_sweep`: with that condition the
            -- plan made for any sweep (the generic plan) cannot look the sweep up in the index of open tasks, so the
            -- server planned the statement afresh at every claim.
            IF p_sweep IS NULL THEN
                SELECT t.sweep_id, t.task_id, t.attempts = 0 AND t.last_error IS NULL, t.run_count
                INTO v_sweep, v_first, v_fresh, v_runs
                FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
                WHERE s.state = 'running'
                  AND (t.state = 'pending' OR (t.state = 'running' AND t.lease_expires_at < now()))
                ORDER BY t.sweep_id, t.task_id
                LIMIT 1
                FOR UPDATE OF t SKIP LOCKED;
            ELSE
                SELECT t.sweep_id, t.task_id, t.attempts = 0 AND t.last_error IS NULL, t.run_count
                INTO v_sweep, v_first, v_fresh, v_runs
                FROM nepsim.tasks t JOIN nepsim.sweeps s ON s.sweep_id = t.sweep_id
                WHERE s.state = 'running'
                  AND t.sweep_id = p_sweep
                  AND (t.state = 'pending' OR (t.state = 'running' AND t.lease_expires_at < now()))
                ORDER BY t.sweep_id, t.task_id
                LIMIT 1
                FOR UPDATE OF t SKIP LOCKED;
            END IF;
            IF NOT FOUND THEN
                RETURN;
            END IF;
            v_last := v_first;
            -- One row at a time, so that no task past the batch is locked (a cursor over all the
            -- candidates would lock the rows it fetched ahead, hiding them from other claims).
            -- A batch holds at most 100,000 runs: it is for tiny tasks, and its rows are held in
            -- memory and stored in one transaction.
            WHILE v_fresh AND v_last - v_first + 1 < least(p_limit, 1000) LOOP
                SELECT t.run_count INTO v_next_runs FROM nepsim.tasks t
                WHERE t.sweep_id = v_sweep AND t.task_id = v_last + 1
                  AND t.state = 'pending' AND t.attempts = 0 AND t.last_error IS NULL
                FOR UPDATE SKIP LOCKED;
                EXIT WHEN NOT FOUND OR v_runs + v_next_runs > 100000;
                v_last := v_last + 1;
                v_runs := v_runs + v_next_runs;
            END LOOP;
            RETURN QUERY
            UPDATE nepsim.tasks t
            SET state = 'running', lease_owner = p_worker, lease_role = session_user, attempts = t.attempts + 1,
                started_at = now(), lease_expires_at = now() + make_interval(secs => least(greatest(p_lease, 1), 3600))
            WHERE t.sweep_id = v_sweep AND t.task_id BETWEEN v_first AND v_last
            RETURNING t.sweep_id, t.task_id, t.first_run, t.run_count, t.attempts;
        END $$;

        -- The count of the tasks' stored runs bounds the primary key with values computed in the
        -- function; for those the server estimates a plan made for any values (the generic plan)
        -- far dearer than one made for the values at hand, and so planned the count afresh at
        -- every completion. The generic plan is the same index scan: plan once, for the session.
        ALTER FUNCTION nepsim.complete_tasks(text, bigint, integer, integer) SET plan_cache_mode = force_generic_plan;

        CREATE OR REPLACE FUNCTION nepsim.finish_sweep_if_complete(p_sweep_id bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE v_runs bigint;
        BEGIN
            PERFORM 1 FROM nepsim.sweeps WHERE sweep_id = p_sweep_id FOR UPDATE;
            -- Asked first, in a statement whose plan is kept: at every completion but the last
            -- there is open work left (the closing UPDATE, which asked it in its WHERE clause,
            -- was planned afresh at every completion). Asked under the row lock, so that a
            -- completion committed just before is seen.
            IF EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state IN ('pending', 'running')) THEN
                RETURN;
            END IF;
            UPDATE nepsim.sweeps s
            SET state = CASE WHEN EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state = 'failed')
                             THEN 'failed' ELSE 'done' END,
                finished_at = now()
            WHERE s.sweep_id = p_sweep_id AND s.state = 'running'
            RETURNING s.runs_total INTO v_runs;
            IF FOUND AND v_runs * 5 >= (SELECT reltuples FROM pg_class WHERE oid = 'nepsim.runs'::regclass) THEN
                ANALYZE nepsim.runs (sweep_id);
            END IF;
        END $$;
        """)
}
