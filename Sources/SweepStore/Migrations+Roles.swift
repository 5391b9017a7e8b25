import PostgresStore

// MARK: - Sweep completion as a privileged step (migration 3)

extension Migrations {
    /// Workers may not alter sweeps; marking a sweep done when its last task completes is a
    /// SECURITY DEFINER function owned by the schema owner, the one thing about sweeps a worker may do.
    static let sweepCompletion = Migration(version: 3, name: "finish_sweep_if_complete for workers without rights on sweeps", sql: """
        CREATE FUNCTION nepsim.finish_sweep_if_complete(p_sweep_id bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            -- Two workers completing a sweep's last two tasks at once would each see the other's
            -- task still running and neither close the sweep. This lock (held to commit) makes the
            -- second check wait for the first transaction, and then see its task done.
            PERFORM pg_advisory_xact_lock(7364657, (p_sweep_id % 2147483647)::integer);
            UPDATE nepsim.sweeps s
            SET state = CASE WHEN EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state = 'failed')
                             THEN 'failed' ELSE 'done' END,
                finished_at = now()
            WHERE s.sweep_id = p_sweep_id AND s.state = 'running'
              AND NOT EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state IN ('pending', 'running'));
        END $$;
        REVOKE ALL ON FUNCTION nepsim.finish_sweep_if_complete(bigint) FROM PUBLIC;
        """)
}

// MARK: - Completion locks the sweep's row and analyzes (migration 4)

extension Migrations {
    /// The completion check serialized on the sweep's row instead of an advisory lock: any role,
    /// the analyst included, could take that advisory lock and freeze a sweep's completion; a row
    /// lock needs UPDATE rights on sweeps, which only the owner (and this function) has. A sweep
    /// that finishes is analyzed at once, so the planner knows its rows before the first report
    /// (autoanalyze may be minutes behind a large sweep).
    static let completionRowLock = Migration(version: 4, name: "completion under the sweep's row lock, ANALYZE at completion", sql: """
        CREATE OR REPLACE FUNCTION nepsim.finish_sweep_if_complete(p_sweep_id bigint) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
              AND NOT EXISTS (SELECT 1 FROM nepsim.tasks WHERE sweep_id = p_sweep_id AND state IN ('pending', 'running'));
            IF FOUND THEN
                ANALYZE nepsim.runs;
                ANALYZE nepsim.run_years;
            END IF;
        END $$;
        REVOKE ALL ON FUNCTION nepsim.finish_sweep_if_complete(bigint) FROM PUBLIC;
        """)
}

// MARK: - Results nobody can forge (migration 5)

extension Migrations {
    /// A worker's login may change tasks only through functions that check the lease is its own
    /// (the worker id *and* the login that claimed it), with leases capped at an hour; it may
    /// write only its own `workers` row; and rows enter `runs` and `run_years` only for a task
    /// the session's login holds under a live lease (a statement trigger checks them; the schema
    /// owner's own workers pass at once). Completion checks that every run of the task is
    /// stored. The schema owner keeps full rights.
    static let workerFunctions = Migration(version: 5, name: "task and worker functions with lease checks; row-level security on results", sql: """
        ALTER TABLE nepsim.tasks ADD COLUMN lease_role name;
        ALTER TABLE nepsim.workers ADD COLUMN login name NOT NULL DEFAULT session_user;

        CREATE FUNCTION nepsim.claim_task(p_worker text, p_sweep bigint, p_lease float8)
        RETURNS TABLE (sweep_id bigint, task_id integer, first_run bigint, run_count integer, attempts integer)
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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
            RETURNING t.sweep_id, t.task_id, t.first_run, t.run_count, t.attempts
        $$;

        CREATE FUNCTION nepsim.renew_lease(p_worker text, p_sweep bigint, p_task integer, p_lease float8) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF p_sweep IS NOT NULL THEN
                UPDATE nepsim.tasks SET lease_expires_at = now() + make_interval(secs => least(greatest(p_lease, 1), 3600))
                WHERE sweep_id = p_sweep AND task_id = p_task AND state = 'running'
                  AND lease_owner = p_worker AND lease_role = session_user;
            END IF;
            UPDATE nepsim.workers SET last_heartbeat = now() WHERE worker_id = p_worker AND login = session_user;
        END $$;

        -- The task's rows were inserted in this transaction (the trigger let them in only
        -- under this login's live lease); here the lease is checked again, every run of the task
        -- must be stored, and the task is marked done. False if the lease was lost.
        CREATE FUNCTION nepsim.complete_task(p_worker text, p_sweep bigint, p_task integer) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            v_task nepsim.tasks%ROWTYPE;
            v_replications integer;
            v_stored bigint;
        BEGIN
            SELECT * INTO v_task FROM nepsim.tasks WHERE sweep_id = p_sweep AND task_id = p_task FOR UPDATE;
            IF NOT FOUND OR v_task.state <> 'running' OR v_task.lease_owner IS DISTINCT FROM p_worker
               OR v_task.lease_role IS DISTINCT FROM session_user THEN
                RETURN false;
            END IF;
            SELECT replications INTO v_replications FROM nepsim.sweeps WHERE sweep_id = p_sweep;
            SELECT count(*) INTO v_stored FROM nepsim.runs r
            WHERE r.sweep_id = p_sweep
              AND r.point BETWEEN v_task.first_run / v_replications
                              AND (v_task.first_run + v_task.run_count - 1) / v_replications
              AND r.point::bigint * v_replications + r.replication
                  BETWEEN v_task.first_run AND v_task.first_run + v_task.run_count - 1;
            IF v_stored <> v_task.run_count THEN
                RAISE EXCEPTION 'task % of sweep % has % of its % runs stored', p_task, p_sweep, v_stored, v_task.run_count
                    USING ERRCODE = 'check_violation';
            END IF;
            UPDATE nepsim.tasks SET state = 'done', finished_at = now(), lease_expires_at = NULL, last_error = NULL
            WHERE sweep_id = p_sweep AND task_id = p_task;
            UPDATE nepsim.workers SET runs_done = runs_done + v_stored, last_heartbeat = now()
            WHERE worker_id = p_worker AND login = session_user;
            PERFORM nepsim.finish_sweep_if_complete(p_sweep);
            RETURN true;
        END $$;

        CREATE FUNCTION nepsim.fail_task(p_worker text, p_sweep bigint, p_task integer, p_error text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            UPDATE nepsim.tasks t
            SET state = CASE WHEN t.attempts >= s.max_attempts THEN 'failed' ELSE 'pending' END,
                lease_owner = NULL, lease_role = NULL, lease_expires_at = NULL, last_error = left(p_error, 2000),
                finished_at = CASE WHEN t.attempts >= s.max_attempts THEN now() END
            FROM nepsim.sweeps s
            WHERE s.sweep_id = t.sweep_id AND t.sweep_id = p_sweep AND t.task_id = p_task
              AND t.state = 'running' AND t.lease_owner = p_worker AND t.lease_role = session_user;
            PERFORM nepsim.finish_sweep_if_complete(p_sweep);
        END $$;

        CREATE FUNCTION nepsim.release_task(p_worker text, p_sweep bigint, p_task integer) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            UPDATE nepsim.tasks SET state = 'pending', lease_owner = NULL, lease_role = NULL, lease_expires_at = NULL,
                attempts = greatest(attempts - 1, 0)
            WHERE sweep_id = p_sweep AND task_id = p_task AND state = 'running'
              AND lease_owner = p_worker AND lease_role = session_user
        $$;

        -- A worker registers under its login; a row of another login cannot be taken over.
        CREATE FUNCTION nepsim.register_worker(p_worker text, p_host text, p_pid integer, p_concurrency integer,
                                               p_code_version text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            INSERT INTO nepsim.workers (worker_id, host, pid, concurrency, code_version, login)
            VALUES (p_worker, p_host, p_pid, p_concurrency, p_code_version, session_user)
            ON CONFLICT (worker_id) DO UPDATE SET last_heartbeat = now(), state = 'running'
            WHERE nepsim.workers.login = session_user;
        END $$;

        CREATE FUNCTION nepsim.stop_worker(p_worker text) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            UPDATE nepsim.workers SET state = 'stopped', last_heartbeat = now() WHERE worker_id = p_worker AND login = session_user
        $$;

        DO $$ DECLARE f text; BEGIN
            FOREACH f IN ARRAY ARRAY['claim_task(text, bigint, float8)', 'renew_lease(text, bigint, integer, float8)',
                'complete_task(text, bigint, integer)', 'fail_task(text, bigint, integer, text)',
                'release_task(text, bigint, integer)', 'register_worker(text, text, integer, integer, text)', 'stop_worker(text)']
            LOOP
                EXECUTE 'REVOKE ALL ON FUNCTION nepsim.' || f || ' FROM PUBLIC';
            END LOOP;
        END $$;

        -- Rows enter only for a task this login holds under a live lease. Checked once per
        -- statement (a COPY is one) over the rows it inserted; the schema's owner and superusers
        -- are trusted. (Row-level security would be per row, and COPY does not support it.)
        CREATE FUNCTION nepsim.check_results_held() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE v_bad bigint;
        BEGIN
            IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
               OR pg_has_role(session_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'nepsim'), 'MEMBER') THEN
                RETURN NULL;
            END IF;
            SELECT count(*) INTO v_bad FROM new_rows n
            LEFT JOIN nepsim.sweeps s ON s.sweep_id = n.sweep_id
            WHERE s.sweep_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM nepsim.tasks t
                WHERE t.sweep_id = n.sweep_id AND t.state = 'running' AND t.lease_role = session_user
                  AND t.lease_expires_at > now()
                  AND n.point * s.replications + n.replication BETWEEN t.first_run AND t.first_run + t.run_count - 1);
            IF v_bad > 0 THEN
                RAISE EXCEPTION 'permission denied: % rows for runs of no task this login holds under a live lease', v_bad
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NULL;
        END $$;
        REVOKE ALL ON FUNCTION nepsim.check_results_held() FROM PUBLIC;
        CREATE TRIGGER results_only_for_held_tasks AFTER INSERT ON nepsim.runs
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nepsim.check_results_held();
        CREATE TRIGGER results_only_for_held_tasks AFTER INSERT ON nepsim.run_years
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION nepsim.check_results_held();

        -- Logins made by an earlier `nepsim db roles` lose their direct writes now.
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nepsim_worker') THEN
                REVOKE UPDATE ON nepsim.tasks FROM nepsim_worker;
                REVOKE INSERT, UPDATE ON nepsim.workers FROM nepsim_worker;
                GRANT EXECUTE ON FUNCTION nepsim.claim_task(text, bigint, float8), nepsim.renew_lease(text, bigint, integer, float8),
                    nepsim.complete_task(text, bigint, integer), nepsim.fail_task(text, bigint, integer, text),
                    nepsim.release_task(text, bigint, integer), nepsim.register_worker(text, text, integer, integer, text),
                    nepsim.stop_worker(text) TO nepsim_worker;
            END IF;
        END $$;
        """)
}
