"""The algorithmic step (match type 4): Splink 5 on DuckDB scores the requests the
deterministic steps left against the current register records.

Blocking rules are counted before scoring (refused above `max_comparisons`); m and u are
fixed in tracing.yaml. The best candidate is taken when its match weight reaches the
threshold and beats the second by the margin; within the margin it is ambiguous.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from cld.errors import CldError
from cld.privacy.tracing.config import Probabilistic

# SQL of each comparison level (l = one side, r = the other; symmetric, since Splink may put
# either table on the left). The null level comes first; "other" is ELSE.
NULL = {"family": "family_l IS NULL OR family_r IS NULL",
        "given": "given_l IS NULL OR given_r IS NULL",
        "dob": "dob_l IS NULL OR dob_r IS NULL",
        "sex": "sex_l IS NULL OR sex_r IS NULL OR sex_l NOT IN ('1', '2') "
               "OR sex_r NOT IN ('1', '2')",
        "postcode": "postcode_l IS NULL OR postcode_r IS NULL"}
LEVELS = {
    "family": {"exact": "family_l = family_r",
               "previous": "list_contains(prev_fam_r, family_l) "
                           "OR list_contains(prev_fam_l, family_r)",
               "fuzzy": "jaro_winkler_similarity(family_l, family_r) >= 0.92"},
    "given": {"exact": "given_l = given_r",
              "fuzzy": "jaro_winkler_similarity(given_l, given_r) >= 0.88 "
                       "OR given_l = other_given_r OR other_given_l = given_r",
              "initial": "left(given_l, 1) = left(given_r, 1)"},
    "dob": {"exact": "dob_l = dob_r",
            "swapped": "dob_swap_l = dob_r OR dob_l = dob_swap_r",
            "one_edit": "damerau_levenshtein(dob_s_l, dob_s_r) <= 1",
            "year_month": "year(dob_l) = year(dob_r) AND month(dob_l) = month(dob_r)"},
    "sex": {"exact": "sex_l = sex_r"},
    "postcode": {"exact": "postcode_l = postcode_r",
                 "previous": "list_contains(prev_pc_r, postcode_l) "
                             "OR list_contains(prev_pc_l, postcode_r)",
                 "outward": "outward_l = outward_r"},
}
COLUMNS = ("unique_id", "family", "prev_fam", "given", "other_given", "sex", "dob",
           "dob_swap", "dob_s", "postcode", "prev_pc", "outward")


class TooManyComparisons(CldError):
    """The blocking rules would score more pairs than the configuration allows."""


def _other_weight(cfg: Probabilistic, name: str) -> float:
    m, u = cfg.comparisons[name]["other"]
    return math.log2(m / u)


def settings(cfg: Probabilistic) -> dict[str, Any]:
    comparisons = []
    for name, levels in cfg.comparisons.items():
        lv: list[dict[str, Any]] = [{"sql_condition": NULL[name], "label_for_charts": "null",
                                     "is_null_level": True}]
        for level, (m, u) in levels.items():
            lv.append({"sql_condition": LEVELS[name].get(level, "ELSE"),
                       "label_for_charts": level, "m_probability": m, "u_probability": u})
        comparisons.append({"output_column_name": name, "comparison_levels": lv,
                            "comparison_description": name})
    return {"link_type": "link_only", "unique_id_column_name": "unique_id",
            "probability_two_random_records_match": cfg.prior,
            "comparisons": comparisons,
            "blocking_rules_to_generate_predictions": [
                {"blocking_rule": r, "sql_dialect": "duckdb"} for r in cfg.blocking_rules],
            "retain_matching_columns": False,
            "retain_intermediate_calculation_columns": True}


def score(raw: Any, p: str, cfg: Probabilistic) -> list[int]:
    """Score the undecided requests; add their outcomes to `{p}_done` and ambiguous ones'
    candidates to `{p}_review_prob`. Returns the pairs each blocking rule adds (counted
    before scoring, each rule's pairs not already made by an earlier one)."""
    cols = ", ".join(COLUMNS[1:])
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_lq AS
        SELECT 'q' || rid AS unique_id, {cols.replace('prev_fam', '[]::VARCHAR[] AS prev_fam')
                                         .replace('prev_pc', '[]::VARCHAR[] AS prev_pc')}
        FROM {p}_q WHERE rid NOT IN (SELECT rid FROM {p}_done)""")
    raw.execute(f"CREATE OR REPLACE TEMP TABLE {p}_lr AS SELECT nhs AS unique_id, {cols} "
                f"FROM {p}_rc")
    raw.execute(f"CREATE OR REPLACE TEMP TABLE {p}_review_prob (rid BIGINT, step VARCHAR, "
                "candidate VARCHAR, weight DOUBLE)")
    left = raw.execute(f"SELECT count(*) FROM {p}_lq").fetchone()[0]
    if not left:
        return [0] * len(cfg.blocking_rules)
    from splink import DuckDBAPI, Linker
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)
    api = DuckDBAPI(connection=raw)
    dfs = [api.register(f"{p}_lq", table_name=f"{p}_sq"),
           api.register(f"{p}_lr", table_name=f"{p}_sr")]
    counts = count_comparisons_from_blocking_rules(
        dfs, blocking_rules=[{"blocking_rule": r, "sql_dialect": "duckdb"}
                             for r in cfg.blocking_rules],
        link_type="link_only", record_sample_proportion=1.0)
    per_rule = [int(c["marginal_comparison_count"]) for c in counts]
    pairs = sum(per_rule)
    if pairs > cfg.max_comparisons:
        raise TooManyComparisons(
            f"The blocking rules would score {pairs:,} pairs, more than the "
            f"{cfg.max_comparisons:,} the tracing configuration allows.",
            hint="Tighten the blocking rules or trace "
            "in smaller batches.")
    # log_level=None: Splink adds no handler of its own; its logger stays at WARNING (its
    # INFO and debug messages may quote SQL and values)
    linker = Linker(dfs, settings(cfg), log_level=None)
    if cfg.training == "em":  # u by random sampling, then m by EM on each rule's pairs
        quiet = logging.getLogger("splink")
        quiet.setLevel(logging.ERROR)  # "level not observed" for each level a batch lacks
        try:
            linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
            for rule in cfg.em_blocking_rules:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, record_sample_proportion=1.0)
        finally:
            quiet.setLevel(logging.WARNING)
    pred = linker.inference.predict(threshold_match_weight=cfg.threshold - cfg.margin)
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_pairs AS
        SELECT CAST(substr(q, 2) AS BIGINT) AS rid, nhs, match_weight AS w,
               match_probability AS pr
        FROM (SELECT CASE WHEN unique_id_l LIKE 'q%' THEN unique_id_l ELSE unique_id_r END AS q,
                     CASE WHEN unique_id_l LIKE 'q%' THEN unique_id_r ELSE unique_id_l END
                         AS nhs, match_weight, match_probability
              FROM {pred.physical_name}
              -- a twin differs only in the given name: a candidate whose given name
              -- disagrees outright (level "other") is never taken
              WHERE mw_given > {_other_weight(cfg, 'given')} + 1e-9)""")
    t, m = cfg.threshold, cfg.margin
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_ranked AS
        SELECT *, count(*) FILTER (WHERE w > best - {m}) OVER (PARTITION BY rid) AS close
        FROM (SELECT *, max(w) OVER (PARTITION BY rid) AS best FROM {p}_pairs)""")
    raw.execute(f"""INSERT INTO {p}_done
        SELECT rid, CASE WHEN close = 1 THEN nhs END, CASE WHEN close = 1 THEN 4 ELSE 0 END,
            w, CASE WHEN close = 1 THEN pr END,
            CASE WHEN close = 1 THEN 'match' ELSE 'ambiguous' END,
            CASE WHEN close = 1 THEN 'algorithmic: best candidate clear of the next'
                 ELSE 'two or more candidates within the margin' END, close
        FROM {p}_ranked WHERE w = best AND best >= {t}
        QUALIFY row_number() OVER (PARTITION BY rid ORDER BY nhs) = 1""")
    raw.execute(f"""INSERT INTO {p}_review_prob
        SELECT r.rid, 'algorithmic', r.nhs, r.w FROM {p}_ranked r
        JOIN {p}_done d ON d.rid = r.rid AND d.status = 'ambiguous' AND d.match_type = 0
            AND d.note LIKE 'two or more%'
        WHERE r.w > r.best - {m}""")
    api.delete_tables_created_by_splink_from_db()
    return per_rule
