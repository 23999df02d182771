"""The result rows: each request's decision turned into the LA-facing action.

- a match: `confirmed` when the number sent is the traced one; `corrected` when a valid
  number was sent and the person's is another (superseded, or the number of someone else);
  `added` when none, a placeholder or a number failing modulus 11 was sent;
- no match: `unconfirmed` when a valid number was sent (it is kept, not traced);
  `not traced` otherwise; `ambiguous` when candidates were too close (listed for review).
Sensitive register records give the number but no GP practice.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def outcome(raw: Any, p: str) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_out AS
        SELECT q.la_code, q.submission_id, q.person_id, q.nhs_number_sent,
            d.traced AS traced_nhs_number, coalesce(d.match_type, 0)::TINYINT AS match_type,
            CASE WHEN d.match_type = 4 OR d.note LIKE 'two or more%' THEN d.weight END
                AS match_weight,
            d.probability AS match_probability,
            CASE WHEN NOT r.sensitive THEN r.gp END AS gp_practice_code,
            CASE WHEN d.status = 'ambiguous' THEN 'ambiguous'
                 WHEN d.status = 'match' AND q.sent_ok AND d.traced = q.sent THEN 'confirmed'
                 WHEN d.status = 'match' AND q.sent_ok THEN 'corrected'
                 WHEN d.status = 'match' THEN 'added'
                 WHEN q.sent_ok THEN 'unconfirmed'
                 ELSE 'not traced' END AS action,
            CASE WHEN d.status = 'match' AND q.sent_ok AND d.traced <> q.sent
                      AND d.match_type <> 1 THEN 'number sent is another record''s; ' || d.note
                 WHEN d.status = 'match' AND q.sent IS NOT NULL AND NOT q.sent_ok
                      THEN 'number sent is not a valid NHS number; ' || d.note
                 WHEN d.status IS NOT NULL THEN d.note
                 WHEN q.sent_ok THEN 'number sent not confirmed; kept'
                 WHEN q.sent IS NOT NULL THEN 'number sent is not a valid NHS number; '
                                              || 'no single match'
                 ELSE 'no number sent; no single match' END AS reason,
            coalesce(d.candidates, 0)::INTEGER AS candidates
        FROM {p}_q q LEFT JOIN {p}_done d ON d.rid = q.rid
        LEFT JOIN {p}_r r ON r.nhs = d.traced
        ORDER BY q.rid""")
    results = raw.execute(f"SELECT * FROM {p}_out").fetch_arrow_table()
    review = raw.execute(f"""SELECT q.la_code, q.submission_id, q.person_id, v.step,
            v.candidate AS candidate_nhs_number, v.weight AS match_weight
        FROM (SELECT * FROM {p}_review_alpha UNION ALL SELECT * FROM {p}_review_prob) v
        JOIN {p}_q q ON q.rid = v.rid
        ORDER BY q.rid, v.weight DESC NULLS LAST, v.candidate""").fetch_arrow_table()
    stats: dict[str, Any] = {
        "requests": results.num_rows,
        "match_type": dict(raw.execute(f"SELECT match_type::INTEGER, count(*) FROM {p}_out "
                                       "GROUP BY 1 ORDER BY 1").fetchall()),
        "action": dict(raw.execute(f"SELECT action, count(*) FROM {p}_out GROUP BY 1 "
                                   "ORDER BY 1").fetchall()),
    }
    return results, review, stats
