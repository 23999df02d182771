"""The deterministic steps, as PDS runs them before any scoring.

Cross-check (match type 1): the NHS number sent is valid, is in the register, and the
register's date of birth equals the one sent; a superseded number is followed to the current
one. Alphanumeric (match type 3): family name (current or previous) + date of birth + gender
(+ given name where both have one) hit exactly one current record, and the postcode sent is
that record's current or a previous one; several hits are ambiguous. Everything else goes on
to the probabilistic step.
"""

from __future__ import annotations

from typing import Any

# the decided rows: rid, traced, match_type, weight, probability, status, note, candidates
DECIDED = ("rid BIGINT, traced VARCHAR, match_type TINYINT, weight DOUBLE, probability DOUBLE, "
           "status VARCHAR, note VARCHAR, candidates INTEGER")


def cross_check(raw: Any, p: str) -> None:
    raw.execute(f"CREATE OR REPLACE TEMP TABLE {p}_done ({DECIDED})")
    raw.execute(f"""INSERT INTO {p}_done
        SELECT q.rid, c.current, 1, NULL, 1.0, 'match',
            CASE WHEN r.superseded_by IS NOT NULL THEN 'superseded number replaced'
                 ELSE 'cross-check: number and date of birth agree' END, 1
        FROM {p}_q q JOIN {p}_r r ON q.sent_ok AND q.sent = r.nhs AND q.dob = r.dob
        JOIN {p}_cur c ON c.nhs = r.nhs""")


def alphanumeric(raw: Any, p: str) -> None:
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_alpha AS
        SELECT q.rid, r.nhs,
            bool_or(q.postcode IS NOT NULL AND (q.postcode = r.postcode
                    OR list_contains(r.prev_pc, q.postcode))) AS postcode_ok
        FROM {p}_q q
        JOIN {p}_rf f ON f.any_family = q.family AND f.dob = q.dob
        JOIN {p}_rc r ON r.nhs = f.nhs
        WHERE q.rid NOT IN (SELECT rid FROM {p}_done)
          AND (q.sex = r.sex OR q.sex NOT IN ('1', '2') OR r.sex NOT IN ('1', '2')
               OR q.sex IS NULL)
          AND (q.given IS NULL OR r.given IS NULL OR q.given = r.given
               OR q.given = r.other_given)
        GROUP BY q.rid, r.nhs""")
    raw.execute(f"""INSERT INTO {p}_done
        SELECT rid, CASE WHEN n = 1 THEN any_value(nhs) END,
            CASE WHEN n = 1 THEN 3 ELSE 0 END, NULL, CASE WHEN n = 1 THEN 1.0 END,
            CASE WHEN n = 1 THEN 'match' ELSE 'ambiguous' END,
            CASE WHEN n = 1 THEN 'alphanumeric: name, date of birth, gender and postcode agree'
                 ELSE 'several records share the name, date of birth and gender' END, n
        FROM (SELECT rid, nhs, postcode_ok, count(*) OVER (PARTITION BY rid) AS n
              FROM {p}_alpha)
        GROUP BY rid, n
        HAVING n > 1 OR bool_and(postcode_ok)""")
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_review_alpha AS
        SELECT a.rid, 'alphanumeric' AS step, a.nhs AS candidate, NULL::DOUBLE AS weight
        FROM {p}_alpha a JOIN {p}_done d ON d.rid = a.rid AND d.status = 'ambiguous'""")
