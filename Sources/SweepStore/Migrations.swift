import PostgresStore

// MARK: - Migrations

/// The versioned schema migrations, in order. Each is applied once, in a transaction, and recorded
/// in `nepsim.schema_migrations`. They are Swift strings rather than resource files so that a
/// worker binary copied to another host carries its schema with it.
///
/// The column lists of `runs` and `run_years` follow the simulation core's outcome catalog; a test
/// (SchemaTests) fails if they drift apart. Adding an outcome means adding a migration for its
/// column; the views that list the outcomes are generated (`CatalogViews`) and follow by themselves.
public enum Migrations {
    public static let all: [Migration] = [initialSchema, analysisObjects, sweepCompletion, completionRowLock, workerFunctions,
                                           eventProbabilitiesInOnePass, compactParameterValues, analyzeOnlyLargeSweeps, morrisLevels,
                                           cachedClaimPlan, derivedObjects, taskBatches, seriesArrays,
                                           wakeIdleWorkers, cheaperStoring,
                                           seriesShapeWithoutText, plansKeptForTheSession]

    static let initialSchema = Migration(version: 1, name: "initial schema: sweeps, tasks, workers, runs, run_years", sql: """
        CREATE SCHEMA IF NOT EXISTS nepsim;

        -- One row per sweep: what was run (the scenario's full text and hash, design, seed), how
        -- big it is, and where it stands.
        CREATE TABLE nepsim.sweeps (
            sweep_id bigserial PRIMARY KEY,
            name text NOT NULL UNIQUE,
            scenario_name text NOT NULL,
            scenario_title text NOT NULL,
            scenario_text text NOT NULL,
            scenario_sha256 text NOT NULL,
            design text NOT NULL,
            seed bigint NOT NULL,
            points bigint NOT NULL CHECK (points > 0),
            replications integer NOT NULL CHECK (replications > 0),
            runs_total bigint NOT NULL CHECK (runs_total > 0),
            weather text NOT NULL,
            series text NOT NULL CHECK (series IN ('all', 'none')),
            task_size integer NOT NULL CHECK (task_size > 0),
            max_attempts integer NOT NULL CHECK (max_attempts > 0),
            uncertain_parameters text[] NOT NULL,
            state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
            created_at timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz,
            code_version text NOT NULL,
            generator text NOT NULL
        );

        -- A task is a range of runs (run index = point * replications + replication) that one
        -- worker claims with a lease and completes in one transaction.
        CREATE TABLE nepsim.tasks (
            sweep_id bigint NOT NULL REFERENCES nepsim.sweeps ON DELETE CASCADE,
            task_id integer NOT NULL,
            first_run bigint NOT NULL,
            run_count integer NOT NULL CHECK (run_count > 0),
            state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
            lease_owner text,
            lease_expires_at timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            last_error text,
            started_at timestamptz,
            finished_at timestamptz,
            PRIMARY KEY (sweep_id, task_id)
        );
        CREATE INDEX tasks_open ON nepsim.tasks (sweep_id, task_id) WHERE state IN ('pending', 'running');

        CREATE TABLE nepsim.workers (
            worker_id text PRIMARY KEY,
            host text NOT NULL,
            pid integer NOT NULL,
            concurrency integer NOT NULL,
            code_version text NOT NULL,
            started_at timestamptz NOT NULL DEFAULT now(),
            last_heartbeat timestamptz NOT NULL DEFAULT now(),
            runs_done bigint NOT NULL DEFAULT 0,
            state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'stopped'))
        );

        -- One row per run: its identity, every scalar outcome, the parameter values its design
        -- point drew, and the worker that computed it. The primary key makes a duplicate impossible.
        -- No foreign key to sweeps: rows only arrive through a task's completion, which checks its
        -- sweep, and a per-row check would slow every COPY by a third.
        CREATE TABLE nepsim.runs (
            sweep_id bigint NOT NULL,
            point bigint NOT NULL,
            replication integer NOT NULL,
            famine_deaths_total double precision,
            famine_deaths_rural double precision,
            famine_deaths_urban double precision,
            famine_deaths_1930_1933 double precision,
            famine_worst_year integer,
            famine_worst_year_deaths double precision,
            collectivization_year integer,
            collectivized_share_1935 double precision,
            collectivized_share_1940 double precision,
            deported_total double precision,
            terror_start_year integer,
            terror_executions double precision,
            camp_population_peak double precision,
            camp_population_1940 double precision,
            grain_exports_total_mt double precision,
            grain_exports_1930_1931_mt double precision,
            machinery_imports_total double precision,
            foreign_debt_1940 double precision,
            procurement_1928_mt double precision,
            procurement_1931_mt double precision,
            industrial_output_1937 double precision,
            industrial_output_1940 double precision,
            producer_output_1937 double precision,
            producer_output_1940 double precision,
            consumer_output_1937 double precision,
            consumer_output_1940 double precision,
            industrial_growth_1937_1940 double precision,
            steel_1940_mt double precision,
            urban_population_1939_m double precision,
            population_1939_m double precision,
            real_wage_1932 double precision,
            real_wage_1937 double precision,
            rural_consumption_1937 double precision,
            horses_min_m double precision,
            cattle_min_m double precision,
            horses_1933_m double precision,
            cattle_1933_m double precision,
            depression_onset_year double precision,
            depression_depth double precision,
            readiness_1941 double precision,
            foreign_loans integer,
            leader_1930 text NOT NULL,
            leader_1940 text NOT NULL,
            stalin_attempted_1926 boolean NOT NULL,
            stalin_died_1926 boolean NOT NULL,
            kirov_attempted_1934 boolean NOT NULL,
            kirov_killed_1934 boolean NOT NULL,
            leader_assassinated boolean NOT NULL,
            forced_collectivization boolean NOT NULL,
            famine_over_100k boolean NOT NULL,
            famine_over_1m boolean NOT NULL,
            famine_over_5m boolean NOT NULL,
            terror boolean NOT NULL,
            nep_survived_1935 boolean NOT NULL,
            regime_crisis boolean NOT NULL,
            nazi_takeover boolean NOT NULL,
            border_war_defeat boolean NOT NULL,
            foreign_loan boolean NOT NULL,
            params jsonb NOT NULL,
            worker_id text,
            PRIMARY KEY (sweep_id, point, replication)
        );

        -- One row per run and year (sweeps launched with --series all).
        CREATE TABLE nepsim.run_years (
            sweep_id bigint NOT NULL,
            point bigint NOT NULL,
            replication integer NOT NULL,
            year smallint NOT NULL,
            leader text NOT NULL,
            harvest_mt double precision NOT NULL,
            procurement_mt double precision NOT NULL,
            grain_exports_mt double precision NOT NULL,
            grain_imports_mt double precision NOT NULL,
            machinery_imports double precision NOT NULL,
            urban_population_m double precision NOT NULL,
            rural_population_m double precision NOT NULL,
            famine_deaths double precision NOT NULL,
            producer_output double precision NOT NULL,
            consumer_output double precision NOT NULL,
            producer_capital double precision NOT NULL,
            consumer_capital double precision NOT NULL,
            horses_m double precision NOT NULL,
            cattle_m double precision NOT NULL,
            tractors_m_horse_equivalent double precision NOT NULL,
            peasant_trust double precision NOT NULL,
            collectivized_share double precision NOT NULL,
            coercion double precision NOT NULL,
            unrest double precision NOT NULL,
            camp_population_m double precision NOT NULL,
            real_wage double precision NOT NULL,
            steel_mt double precision NOT NULL,
            PRIMARY KEY (sweep_id, point, replication, year)
        );
        """)
}
