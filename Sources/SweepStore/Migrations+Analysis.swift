import PostgresStore

// MARK: - Analysis objects (migration 2)

extension Migrations {
    /// The public analysis interface in SQL: the Wilson interval, long-format views of every
    /// outcome, distributions and event probabilities per sweep, yearly fans, and a branch
    /// comparison. The outcome lists in these views were written out from the outcome catalog
    /// when this migration was made and stay as history; the migrator then replaces the four
    /// catalog-listing views with the ones `CatalogViews` generates from this build's catalog.
    static let analysisObjects = Migration(version: 2, name: "analysis: wilson_interval, distributions, probabilities, fans, compare_branches", sql: """
        -- The standard normal quantile (Acklam's rational approximation, relative error 1.2e-9):
        -- what turns a confidence level into z.
        CREATE FUNCTION nepsim.normal_quantile(p double precision) RETURNS double precision
        LANGUAGE plpgsql IMMUTABLE STRICT AS $$
        DECLARE
            a double precision[] := ARRAY[-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                          1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
            b double precision[] := ARRAY[-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                          6.680131188771972e+01, -1.328068155288572e+01];
            c double precision[] := ARRAY[-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                          -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
            d double precision[] := ARRAY[7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                          3.754408661907416e+00];
            q double precision;
            r double precision;
        BEGIN
            IF p <= 0 OR p >= 1 THEN
                RAISE EXCEPTION 'normal_quantile: p must be between 0 and 1, got %', p;
            END IF;
            IF p < 0.02425 THEN
                q := sqrt(-2 * ln(p));
                RETURN (((((c[1]*q + c[2])*q + c[3])*q + c[4])*q + c[5])*q + c[6]) /
                       ((((d[1]*q + d[2])*q + d[3])*q + d[4])*q + 1);
            ELSIF p > 1 - 0.02425 THEN
                q := sqrt(-2 * ln(1 - p));
                RETURN -(((((c[1]*q + c[2])*q + c[3])*q + c[4])*q + c[5])*q + c[6]) /
                        ((((d[1]*q + d[2])*q + d[3])*q + d[4])*q + 1);
            END IF;
            q := p - 0.5;
            r := q * q;
            RETURN (((((a[1]*r + a[2])*r + a[3])*r + a[4])*r + a[5])*r + a[6])*q /
                   (((((b[1]*r + b[2])*r + b[3])*r + b[4])*r + b[5])*r + 1);
        END $$;

        -- Wilson's score interval for a proportion: well behaved near 0 and 1 and for small n.
        CREATE FUNCTION nepsim.wilson_interval(successes bigint, trials bigint, confidence double precision DEFAULT 0.95,
                                               OUT lower double precision, OUT upper double precision)
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            z double precision;
            n double precision := trials;
            p double precision;
            centre double precision;
            half double precision;
        BEGIN
            IF trials IS NULL OR successes IS NULL OR trials <= 0 THEN
                lower := 0; upper := 1; RETURN;
            END IF;
            IF successes < 0 OR successes > trials THEN
                RAISE EXCEPTION 'wilson_interval: successes (%) must be between 0 and trials (%)', successes, trials;
            END IF;
            IF confidence <= 0 OR confidence >= 1 THEN
                RAISE EXCEPTION 'wilson_interval: confidence must be between 0 and 1, got %', confidence;
            END IF;
            z := nepsim.normal_quantile(1 - (1 - confidence) / 2);
            p := successes / n;
            centre := (p + z * z / (2 * n)) / (1 + z * z / n);
            half := z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
            lower := greatest(0, centre - half);
            upper := least(1, centre + half);
        END $$;

        -- Every numeric outcome of every run, one row each (long format).
        CREATE VIEW nepsim.run_outcome_values AS
        SELECT r.sweep_id, r.point, r.replication, v.outcome, v.unit, v.value
        FROM nepsim.runs r
        CROSS JOIN LATERAL (VALUES
                ('famine_deaths_total', 'persons', r.famine_deaths_total::float8),
                ('famine_deaths_rural', 'persons', r.famine_deaths_rural::float8),
                ('famine_deaths_urban', 'persons', r.famine_deaths_urban::float8),
                ('famine_deaths_1930_1933', 'persons', r.famine_deaths_1930_1933::float8),
                ('famine_worst_year', 'year', r.famine_worst_year::float8),
                ('famine_worst_year_deaths', 'persons', r.famine_worst_year_deaths::float8),
                ('collectivization_year', 'year', r.collectivization_year::float8),
                ('collectivized_share_1935', 'share of households', r.collectivized_share_1935::float8),
                ('collectivized_share_1940', 'share of households', r.collectivized_share_1940::float8),
                ('deported_total', 'persons', r.deported_total::float8),
                ('terror_start_year', 'year', r.terror_start_year::float8),
                ('terror_executions', 'persons', r.terror_executions::float8),
                ('camp_population_peak', 'persons', r.camp_population_peak::float8),
                ('camp_population_1940', 'persons', r.camp_population_1940::float8),
                ('grain_exports_total_mt', 'Mt', r.grain_exports_total_mt::float8),
                ('grain_exports_1930_1931_mt', 'Mt per year', r.grain_exports_1930_1931_mt::float8),
                ('machinery_imports_total', 'million gold rubles', r.machinery_imports_total::float8),
                ('foreign_debt_1940', 'million gold rubles', r.foreign_debt_1940::float8),
                ('procurement_1928_mt', 'Mt', r.procurement_1928_mt::float8),
                ('procurement_1931_mt', 'Mt', r.procurement_1931_mt::float8),
                ('industrial_output_1937', '1928 = 100', r.industrial_output_1937::float8),
                ('industrial_output_1940', '1928 = 100', r.industrial_output_1940::float8),
                ('producer_output_1937', '1928 = 100', r.producer_output_1937::float8),
                ('producer_output_1940', '1928 = 100', r.producer_output_1940::float8),
                ('consumer_output_1937', '1928 = 100', r.consumer_output_1937::float8),
                ('consumer_output_1940', '1928 = 100', r.consumer_output_1940::float8),
                ('industrial_growth_1937_1940', 'per year', r.industrial_growth_1937_1940::float8),
                ('steel_1940_mt', 'Mt', r.steel_1940_mt::float8),
                ('urban_population_1939_m', 'million', r.urban_population_1939_m::float8),
                ('population_1939_m', 'million', r.population_1939_m::float8),
                ('real_wage_1932', '1928 = 100', r.real_wage_1932::float8),
                ('real_wage_1937', '1928 = 100', r.real_wage_1937::float8),
                ('rural_consumption_1937', '1928 = 100', r.rural_consumption_1937::float8),
                ('horses_min_m', 'million head', r.horses_min_m::float8),
                ('cattle_min_m', 'million head', r.cattle_min_m::float8),
                ('horses_1933_m', 'million head', r.horses_1933_m::float8),
                ('cattle_1933_m', 'million head', r.cattle_1933_m::float8),
                ('depression_onset_year', 'year', r.depression_onset_year::float8),
                ('depression_depth', 'share', r.depression_depth::float8),
                ('readiness_1941', 'index 0-100', r.readiness_1941::float8),
                ('foreign_loans', 'count', r.foreign_loans::float8)
            ) AS v(outcome, unit, value);

        -- Every event of every run, one row each.
        CREATE VIEW nepsim.run_event_values AS
        SELECT r.sweep_id, r.point, r.replication, e.event, e.happened
        FROM nepsim.runs r
        CROSS JOIN LATERAL (VALUES
                ('stalin_attempted_1926', r.stalin_attempted_1926),
                ('stalin_died_1926', r.stalin_died_1926),
                ('kirov_attempted_1934', r.kirov_attempted_1934),
                ('kirov_killed_1934', r.kirov_killed_1934),
                ('leader_assassinated', r.leader_assassinated),
                ('forced_collectivization', r.forced_collectivization),
                ('famine_over_100k', r.famine_over_100k),
                ('famine_over_1m', r.famine_over_1m),
                ('famine_over_5m', r.famine_over_5m),
                ('terror', r.terror),
                ('nep_survived_1935', r.nep_survived_1935),
                ('regime_crisis', r.regime_crisis),
                ('nazi_takeover', r.nazi_takeover),
                ('border_war_defeat', r.border_war_defeat),
                ('foreign_loan', r.foreign_loan)
            ) AS e(event, happened);

        -- Distribution of every numeric outcome per sweep (over the runs where it is defined).
        CREATE VIEW nepsim.outcome_distributions AS
        SELECT sweep_id, outcome, unit, count(value) AS n, avg(value) AS mean, stddev_samp(value) AS sd,
               percentile_cont(0.05) WITHIN GROUP (ORDER BY value) AS p05,
               percentile_cont(0.25) WITHIN GROUP (ORDER BY value) AS p25,
               percentile_cont(0.50) WITHIN GROUP (ORDER BY value) AS p50,
               percentile_cont(0.75) WITHIN GROUP (ORDER BY value) AS p75,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY value) AS p95
        FROM nepsim.run_outcome_values
        GROUP BY sweep_id, outcome, unit;

        -- Probability of every event per sweep, with its 95% Wilson interval.
        CREATE VIEW nepsim.event_probabilities AS
        SELECT c.sweep_id, c.event, c.trials, c.successes, c.successes::float8 / c.trials AS probability,
               w.lower AS ci95_lower, w.upper AS ci95_upper
        FROM (SELECT sweep_id, event, count(*) AS trials, count(*) FILTER (WHERE happened) AS successes
              FROM nepsim.run_event_values GROUP BY sweep_id, event) c
        CROSS JOIN LATERAL nepsim.wilson_interval(c.successes, c.trials) w;

        -- Every yearly series of every run, one row each (sweeps launched with --series all).
        CREATE VIEW nepsim.run_year_values AS
        SELECT y.sweep_id, y.point, y.replication, y.year, s.series, s.unit, s.value
        FROM nepsim.run_years y
        CROSS JOIN LATERAL (VALUES
                ('harvest_mt', 'Mt', y.harvest_mt),
                ('procurement_mt', 'Mt', y.procurement_mt),
                ('grain_exports_mt', 'Mt', y.grain_exports_mt),
                ('grain_imports_mt', 'Mt', y.grain_imports_mt),
                ('machinery_imports', 'million gold rubles', y.machinery_imports),
                ('urban_population_m', 'million', y.urban_population_m),
                ('rural_population_m', 'million', y.rural_population_m),
                ('famine_deaths', 'persons', y.famine_deaths),
                ('producer_output', 'output units', y.producer_output),
                ('consumer_output', 'output units', y.consumer_output),
                ('producer_capital', 'output units', y.producer_capital),
                ('consumer_capital', 'output units', y.consumer_capital),
                ('horses_m', 'million head', y.horses_m),
                ('cattle_m', 'million head', y.cattle_m),
                ('tractors_m_horse_equivalent', 'million horse-equivalents', y.tractors_m_horse_equivalent),
                ('peasant_trust', '0-1', y.peasant_trust),
                ('collectivized_share', 'share', y.collectivized_share),
                ('coercion', '0-1', y.coercion),
                ('unrest', 'index', y.unrest),
                ('camp_population_m', 'million', y.camp_population_m),
                ('real_wage', '1928 = 100', y.real_wage),
                ('steel_mt', 'Mt', y.steel_mt)
            ) AS s(series, unit, value);

        -- Fan charts: quantiles of every yearly series per sweep and year.
        CREATE VIEW nepsim.yearly_fans AS
        SELECT sweep_id, series, unit, year, count(value) AS n,
               percentile_cont(0.05) WITHIN GROUP (ORDER BY value) AS p05,
               percentile_cont(0.25) WITHIN GROUP (ORDER BY value) AS p25,
               percentile_cont(0.50) WITHIN GROUP (ORDER BY value) AS p50,
               percentile_cont(0.75) WITHIN GROUP (ORDER BY value) AS p75,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY value) AS p95
        FROM nepsim.run_year_values
        GROUP BY sweep_id, series, unit, year;

        -- The two branches of one sweep split by any event (e.g. 'stalin_died_1926'): each numeric
        -- outcome's median and each event's probability on both sides, the difference (true minus
        -- false) and its 95% interval: Newcombe's hybrid Wilson interval for probabilities; for
        -- medians the normal approximation with each median's standard error taken as
        -- 1.2533 x (IQR / 1.349) / sqrt(n).
        CREATE FUNCTION nepsim.compare_branches(p_sweep_id bigint, p_split_by text)
        RETURNS TABLE (outcome text, kind text, if_true double precision, if_false double precision,
                       difference double precision, ci95_lower double precision, ci95_upper double precision,
                       runs_true bigint, runs_false bigint)
        LANGUAGE plpgsql STABLE AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                           WHERE table_schema = 'nepsim' AND table_name = 'runs'
                             AND column_name = p_split_by AND data_type = 'boolean') THEN
                RAISE EXCEPTION 'compare_branches: % is not an event (a boolean column of nepsim.runs)', p_split_by
                    USING HINT = 'SELECT DISTINCT event FROM nepsim.run_event_values lists them';
            END IF;
            RETURN QUERY EXECUTE format($q$
                WITH side AS (
                    SELECT point, replication, %I AS branch FROM nepsim.runs WHERE sweep_id = $1
                ),
                sizes AS (
                    SELECT count(*) FILTER (WHERE branch) AS n_true, count(*) FILTER (WHERE NOT branch) AS n_false FROM side
                ),
                medians AS (
                    SELECT v.outcome, s.branch,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY v.value) AS median,
                           percentile_cont(0.75) WITHIN GROUP (ORDER BY v.value)
                               - percentile_cont(0.25) WITHIN GROUP (ORDER BY v.value) AS iqr,
                           count(v.value) AS n
                    FROM nepsim.run_outcome_values v JOIN side s USING (point, replication)
                    WHERE v.sweep_id = $1 AND s.branch IS NOT NULL
                    GROUP BY v.outcome, s.branch
                ),
                numeric_rows AS (
                    SELECT t.outcome, 'median'::text AS kind, t.median AS if_true, f.median AS if_false,
                           t.median - f.median AS difference,
                           1.959964 * sqrt(power(1.2533 * t.iqr / 1.349, 2) / nullif(t.n, 0)
                                           + power(1.2533 * f.iqr / 1.349, 2) / nullif(f.n, 0)) AS half
                    FROM medians t JOIN medians f ON f.outcome = t.outcome AND f.branch = false
                    WHERE t.branch = true
                ),
                counts AS (
                    SELECT e.event, s.branch, count(*) FILTER (WHERE e.happened) AS successes, count(*) AS trials
                    FROM nepsim.run_event_values e JOIN side s USING (point, replication)
                    WHERE e.sweep_id = $1 AND s.branch IS NOT NULL
                    GROUP BY e.event, s.branch
                ),
                event_rows AS (
                    SELECT t.event AS outcome, 'probability'::text AS kind,
                           t.successes::float8 / t.trials AS if_true, f.successes::float8 / f.trials AS if_false,
                           wt.lower AS lt, wt.upper AS ut, wf.lower AS lf, wf.upper AS uf
                    FROM counts t JOIN counts f ON f.event = t.event AND f.branch = false
                    CROSS JOIN LATERAL nepsim.wilson_interval(t.successes, t.trials) wt
                    CROSS JOIN LATERAL nepsim.wilson_interval(f.successes, f.trials) wf
                    WHERE t.branch = true
                )
                SELECT n.outcome, n.kind, n.if_true, n.if_false, n.difference,
                       n.difference - n.half, n.difference + n.half, z.n_true, z.n_false
                FROM numeric_rows n CROSS JOIN sizes z
                UNION ALL
                SELECT e.outcome, e.kind, e.if_true, e.if_false, e.if_true - e.if_false,
                       (e.if_true - e.if_false) - sqrt(power(e.if_true - e.lt, 2) + power(e.uf - e.if_false, 2)),
                       (e.if_true - e.if_false) + sqrt(power(e.ut - e.if_true, 2) + power(e.if_false - e.lf, 2)),
                       z.n_true, z.n_false
                FROM event_rows e CROSS JOIN sizes z
                ORDER BY 2, 1
            $q$, p_split_by) USING p_sweep_id;
        END $$;
        """)
}

// MARK: - Analysis at scale

extension Migrations {
    /// `event_probabilities` in one pass over a sweep's runs: a count per event column, then the 15
    /// counts unpivoted, instead of unpivoting every run's 15 events (15 million rows for a sweep of
    /// a million runs) and grouping them. Same columns, same numbers. (Its event list is now
    /// generated: `CatalogViews.eventProbabilities`.)
    /// The interval functions are pure, so marked parallel safe: a plpgsql function is parallel
    /// unsafe unless it says otherwise, and that kept every query using them on one core.
    static let eventProbabilitiesInOnePass = Migration(version: 6, name: "event_probabilities in one pass over the runs", sql: """
        ALTER FUNCTION nepsim.normal_quantile(double precision) PARALLEL SAFE;
        ALTER FUNCTION nepsim.wilson_interval(bigint, bigint, double precision) PARALLEL SAFE;
        CREATE OR REPLACE VIEW nepsim.event_probabilities AS
        SELECT c.sweep_id, e.event, c.trials, e.successes, e.successes::float8 / c.trials AS probability,
               w.lower AS ci95_lower, w.upper AS ci95_upper
        FROM (SELECT sweep_id, count(*) AS trials,
                   count(*) FILTER (WHERE stalin_attempted_1926) AS stalin_attempted_1926,
                   count(*) FILTER (WHERE stalin_died_1926) AS stalin_died_1926,
                   count(*) FILTER (WHERE kirov_attempted_1934) AS kirov_attempted_1934,
                   count(*) FILTER (WHERE kirov_killed_1934) AS kirov_killed_1934,
                   count(*) FILTER (WHERE leader_assassinated) AS leader_assassinated,
                   count(*) FILTER (WHERE forced_collectivization) AS forced_collectivization,
                   count(*) FILTER (WHERE famine_over_100k) AS famine_over_100k,
                   count(*) FILTER (WHERE famine_over_1m) AS famine_over_1m,
                   count(*) FILTER (WHERE famine_over_5m) AS famine_over_5m,
                   count(*) FILTER (WHERE terror) AS terror,
                   count(*) FILTER (WHERE nep_survived_1935) AS nep_survived_1935,
                   count(*) FILTER (WHERE regime_crisis) AS regime_crisis,
                   count(*) FILTER (WHERE nazi_takeover) AS nazi_takeover,
                   count(*) FILTER (WHERE border_war_defeat) AS border_war_defeat,
                   count(*) FILTER (WHERE foreign_loan) AS foreign_loan
              FROM nepsim.runs GROUP BY sweep_id) c
        CROSS JOIN LATERAL (VALUES
                ('stalin_attempted_1926', c.stalin_attempted_1926),
                ('stalin_died_1926', c.stalin_died_1926),
                ('kirov_attempted_1934', c.kirov_attempted_1934),
                ('kirov_killed_1934', c.kirov_killed_1934),
                ('leader_assassinated', c.leader_assassinated),
                ('forced_collectivization', c.forced_collectivization),
                ('famine_over_100k', c.famine_over_100k),
                ('famine_over_1m', c.famine_over_1m),
                ('famine_over_5m', c.famine_over_5m),
                ('terror', c.terror),
                ('nep_survived_1935', c.nep_survived_1935),
                ('regime_crisis', c.regime_crisis),
                ('nazi_takeover', c.nazi_takeover),
                ('border_war_defeat', c.border_war_defeat),
                ('foreign_loan', c.foreign_loan)
            ) AS e(event, successes)
        CROSS JOIN LATERAL nepsim.wilson_interval(e.successes, c.trials) w;
        """)
}
