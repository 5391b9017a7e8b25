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
