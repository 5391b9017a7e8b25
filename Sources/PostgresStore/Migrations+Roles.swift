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
