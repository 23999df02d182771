"""Care pathways, generated for whole groups of people at once (numpy, no per-person loop).

Each person follows one pathway kind. New clients: a request (with its route of access)
leads to a short or long term assessment, then services, then reviews. Existing clients have
long term services that started before the period (years before, for care homes), annual
planned reviews and unplanned episodes. Values are named here only where the pathway needs a
particular one; `Vocab` checks every name against the specification.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cld.synth.events import OPEN, Events
from cld.synth.vocab import Vocab

# Pathway kinds and their share of people.
KINDS: dict[str, float] = {
    "front_door": 9,  # contact and advice only
    "short_term": 19,  # request -> (short term assessment) -> reablement (ST-Max)
    "new_community": 11,  # request -> long term assessment -> community services -> review
    "existing_community": 30,  # long term community services from before the period
    "existing_care_home": 15,  # residential or nursing care from before the period
    "new_care_home": 5,  # hospital discharge -> short term bed -> long term placement
    "learning_disability": 8,  # mostly aged 18-64, long term support, some transitions
    "end_of_life": 3,  # request -> end of life care; most die in the period
}
# Chance of dying in a full year, by kind.
DEATH_PER_YEAR = {"front_door": 0.02, "short_term": 0.06, "new_community": 0.07,
                  "existing_community": 0.08, "existing_care_home": 0.26, "new_care_home": 0.22,
                  "learning_disability": 0.01, "end_of_life": 0.9}

ROUTES_FRONT = {"Community / Other route": 70, "Discharge from Hospital": 8,
                "Diversion from Hospital Services": 6, "Self-Funder with depleted funds": 3,
                "Transfer from Other LA": 2, "Discharge from Reablement": 1}
ROUTES_SHORT = {"Discharge from Hospital": 50, "Community / Other route": 32,
                "Diversion from Hospital Services": 15, "Discharge from Reablement": 1}
ROUTES_LONG = {"Community / Other route": 55, "Discharge from Hospital": 22,
               "Diversion from Hospital Services": 5, "Self-Funder with depleted funds": 5,
               "Self-Funder with depleted funds - 12-wk disregard or DPA": 2,
               "Discharge from Reablement": 6, "Transfer from Other LA": 5}
ROUTES_EXISTING = {"Community / Other route": 60, "Discharge from Hospital": 30,
                   "Diversion from Hospital Services": 10}
ROUTES_CARE_HOME = {"Discharge from Hospital": 75, "Community / Other route": 15,
                    "Self-Funder with depleted funds": 10}
ROUTES_EOL = {"Discharge from Hospital": 60, "Community / Other route": 40}

FRONT_DOOR_OUT = {"NFA - Information & Advice / Signposting only": 60,
                  "NFA - No services offered: Other reason": 14, "NFA - Support declined": 10,
                  "NFA - Self-funded client (inc 12wk disregard)": 9,
                  "NFA - 100% NHS funded care": 4, "NFA - Moved to another LA": 3}
NOT_ELIGIBLE_OUT = {"NFA - Information & Advice / Signposting only": 50,
                    "NFA - No services offered: Other reason": 30, "NFA - Support declined": 10,
                    "NFA - Self-funded client (inc 12wk disregard)": 10}
REABLEMENT_OUT = {"Service ended as planned": 55, "Progress to Re-assessment": 25,
                  "Admitted to hospital": 10, "NFA - Support declined": 5,
                  "NFA - Self-funded client (inc 12wk disregard)": 2,
                  "NFA - 100% NHS funded care": 3}
LONG_TERM_END_OUT = {"NFA - Support ended: Other reason": 30, "Service ended as planned": 20,
                     "Admitted to hospital": 10, "NFA - Moved to another LA": 10,
                     "NFA - Self-funded client (inc 12wk disregard)": 10,
                     "NFA - 100% NHS funded care": 8, "NFA - Support declined": 12}
CARE_HOME_END_OUT = {"NFA - 100% NHS funded care": 45,
                     "NFA - Self-funded client (inc 12wk disregard)": 35,
                     "NFA - Moved to another LA": 20}
SHORT_BED_OUT = {"Progress to Re-assessment": 85, "NFA - 100% NHS funded care": 7,
                 "NFA - Self-funded client (inc 12wk disregard)": 8}
REVIEW_OUT = {"No change in package": 100}

COMMUNITY_NEW = {"Home Support": 55, "Day Support": 10, "Meals": 5, "Direct Payment": 15,
                 "Transport": 3, "Professional Support": 4, "Other Long Term Support": 4,
                 "Community Supported Living": 4}
COMMUNITY_EXISTING = {"Home Support": 45, "Day Support": 14, "Meals": 6, "Direct Payment": 18,
                      "Transport": 6, "Professional Support": 3, "Other Long Term Support": 4,
                      "Community Supported Living": 4}
LD_COMPONENTS = {"Community Supported Living": 30, "Day Support": 22, "Shared Lives": 8,
                 "Direct Payment": 18, "Learning/Education/Employment Support": 8,
                 "Transport": 8, "Home Support": 6}
UNPLANNED = {"Unplanned - Hospital (Planned and unplanned episodes)": 40,
             "Unplanned - Carer related": 15, "Unplanned - Safeguarding concern": 15,
             "Unplanned - Other Reason": 25, "Unplanned - Provider Failure": 3,
             "Unplanned - Change in Commissioning arrangements": 2}
REVIEW_ACHIEVED = {"Fully Met": 60, "Partially Met": 32, "Not Met": 8}
ELIGIBLE = {"Eligible needs identified": 84, "Non-eligible needs identified": 10,
            "No needs identified": 6}
CARER_INVOLVED = {"Yes": 35, "No": 45, "Don't know": 20}


class Pathways:
    def __init__(self, vocab: Vocab, rng: np.random.Generator, start: int, end: int,
                 people: int) -> None:
        self.v, self.rng = vocab, rng
        self.S, self.E = start, end
        self.frac = (end - start + 1) / 365.25  # share of a year the period covers
        self.ev = Events(vocab, start, end)
        self.n = people
        self.kind = np.zeros(people, dtype=np.int64)
        self.care_home = np.zeros(people, dtype=bool)  # lives in a care home at period end
        self.nursing = np.zeros(people, dtype=bool)
        self.death_p = np.zeros(people)  # chance of dying in the period
        self.death_mean = np.zeros(people)  # mean days from last event start to death (0: any)
        self.age_hint = np.full(people, -1)  # age at period start where the pathway fixes it
        c = vocab.code
        self.ST_MAX = c("service_type", "Short Term Support: ST-Max")
        self.ST_LOW = c("service_type", "Short Term Support: Ongoing Low Level")
        self.ST_OTHER = c("service_type", "Short Term Support: Other Short Term")
        self.LT_NURSING = c("service_type", "Long Term Support: Nursing Care")
        self.LT_RESIDENTIAL = c("service_type", "Long Term Support: Residential Care")
        self.LT_COMMUNITY = c("service_type", "Long Term Support: Community")
        sc = "service_component"
        self.REABLEMENT = c(sc, "Reablement")
        self.EQUIPMENT = c(sc, "Equipment")
        self.EMERGENCY = c(sc, "Emergency Support")
        self.EOL_CARE = c(sc, "End of Life Care")
        self.C_ST_RES, self.C_ST_NURS = c(sc, "Short Term Residential Care"), c(
            sc, "Short Term Nursing Care")
        self.C_LT_RES, self.C_LT_NURS = c(sc, "Long Term Residential Care"), c(
            sc, "Long Term Nursing Care")
        self.C_DP = c(sc, "Direct Payment")
        dm = "delivery_mechanism"
        self.DM_DP = c(dm, "Community: Direct Payment")
        self.DM_MANAGED = c(dm, "Community: CASSR Managed Personal Budget")
        self.DM_COMMISSIONED = c(dm, "Community: CASSR Commissioned Support")
        self.AT_SHORT = c("assessment_type", "Short Term Assessment")
        self.AT_LONG = c("assessment_type", "Long Term Assessment")
        self.ELIGIBLE = c("eligible_needs", "Eligible needs identified")
        self.PLANNED = c("review_reason", "Planned")
        self.ROUTE_TRANSITION = c("route_of_access", "Planned Entry (Transition)")
        o = vocab.code
        self.O_TO_ASSESS = o("event_outcome", "Progress to Assessment / Unplanned Review")
        self.O_TO_REABLEMENT = o("event_outcome", "Progress to Reablement/ST-Max")
        self.O_TO_SERVICES = o("event_outcome", "Progress to Support Planning / Services")
        self.O_TO_EOL = o("event_outcome", "Progress to End of Life Care")
        self.O_REASSESS = o("event_outcome", "Progress to Re-assessment")
        self.O_PLANNED_END = o("event_outcome", "Service ended as planned")

    # --- random helpers -------------------------------------------------------------------
    def U(self, lo: int, hi: int, n: int) -> np.ndarray:
        """Uniform integers lo..hi inclusive."""
        return self.rng.integers(lo, hi + 1, n)

    def in_period(self, n: int) -> np.ndarray:
        return self.S + self.rng.integers(0, self.E - self.S + 1, n)

    def pick(self, list_id: str, weights: Mapping[str, float] | None, n: int) -> np.ndarray:
        p = self.v.probs(list_id, weights)
        return self.rng.choice(len(p), size=n, p=p)

    def outcomes(self, event_type: str, weights: Mapping[str, float], n: int) -> np.ndarray:
        p = self.v.outcome_probs(event_type, weights)
        return self.rng.choice(len(p), size=n, p=p)

    def lasting(self, start: np.ndarray, mean_days: float) -> np.ndarray:
        """A candidate end date for a long-running event (never before the period)."""
        n = len(start)
        return np.maximum(start, self.S) + self.rng.exponential(mean_days, n).astype(np.int64)

    def chance(self, p: float, n: int) -> np.ndarray:
        return self.rng.random(n) < p

    # --- building blocks ------------------------------------------------------------------
    def request(self, P: np.ndarray, t0: np.ndarray, outcome: np.ndarray | int,
                routes: Mapping[str, float] | np.ndarray, mask: np.ndarray | None = None
                ) -> np.ndarray:
        n = len(P)
        dur = self.rng.choice(np.array([0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 5]), n)
        route = routes if isinstance(routes, np.ndarray) else self.pick(
            "route_of_access", routes, n)
        m = np.ones(n, dtype=bool) if mask is None else mask
        m = m & (t0 <= self.E)
        return self.ev.add(P, "Request", t0, t0 + dur, outcome, m, route_of_access=route)

    def review(self, P: np.ndarray, t0: np.ndarray, mask: np.ndarray,
               reason: np.ndarray | int) -> np.ndarray:
        n = len(P)
        m = mask & (t0 <= self.E)
        end = t0 + self.rng.choice(np.array([0, 0, 0, 0, 0, 0, 1, 3, 7, 14]), n)
        achieved = np.where(end > self.E, -1, self.pick("review_outcomes", REVIEW_ACHIEVED, n))
        return self.ev.add(P, "Review", t0, end, self.outcomes("Review", REVIEW_OUT, n), m,
                           review_reason=reason, review_outcomes=achieved)

    def annual_review(self, P: np.ndarray, mask: np.ndarray) -> None:
        """A planned review some time in the year; only those falling in the period."""
        n = len(P)
        t = self.S + self.U(0, 364, n)
        self.review(P, t, mask & self.chance(0.9, n), self.PLANNED)

    def review_after(self, P: np.ndarray, start: np.ndarray, mask: np.ndarray) -> None:
        """The first planned review of a new package, 6 to 13 weeks after it starts."""
        n = len(P)
        self.review(P, start + self.U(42, 91, n), mask, self.PLANNED)

    def unplanned_review(self, P: np.ndarray, mask: np.ndarray) -> None:
        """An existing client's contact leading to an unplanned review."""
        n = len(P)
        end = self.request(P, self.in_period(n), self.O_TO_ASSESS, ROUTES_EXISTING, mask)
        t = end + self.U(0, 5, n)
        self.review(P, t, mask & (end <= self.E), self.pick("review_reason", UNPLANNED, n))

    def contacts(self, P: np.ndarray, per_year: float) -> None:
        """Other contacts in the period (advice, declined offers): requests closed as NFA."""
        n = len(P)
        count = self.rng.poisson(per_year * self.frac, n)
        for k in range(int(count.max(initial=0))):
            self.request(P, self.in_period(n), self.outcomes("Request", FRONT_DOOR_OUT, n),
                         ROUTES_FRONT, count > k)

    def equipment(self, P: np.ndarray, t: np.ndarray, mask: np.ndarray) -> None:
        """A one-off equipment service (starts and ends on the same day)."""
        self.ev.add(P, "Service", t, t, self.O_PLANNED_END, mask & (t <= self.E),
                    service_type=self.ST_LOW, service_component=self.EQUIPMENT)

    def carer(self, n: int) -> np.ndarray:
        return self.pick("carer_in_assessment", CARER_INVOLVED, n)

    def reablement(self, P: np.ndarray, t0: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Reablement from t0 (maybe with equipment); re-assessment where it leads to one."""
        n = len(P)
        m = mask & (t0 <= self.E)
        out = self.outcomes("Service", REABLEMENT_OUT, n)
        end = self.ev.add(P, "Service", t0, t0 + self.U(7, 42, n), out, m,
                          service_type=self.ST_MAX, service_component=self.REABLEMENT)
        self.equipment(P, t0 + self.U(0, 3, n), m & self.chance(0.3, n))
        again = m & (end <= self.E) & (out == self.O_REASSESS)
        self.long_term(P, end, again, COMMUNITY_NEW)
        return end

    def long_term(self, P: np.ndarray, t: np.ndarray, mask: np.ndarray,
                  components: Mapping[str, float]) -> None:
        """Long term assessment from t, then (eligible) a community package and a review."""
        n = len(P)
        a0 = t + self.U(0, 3, n)
        m = mask & (a0 <= self.E)
        elig = self.pick("eligible_needs", ELIGIBLE, n)
        ok = elig == self.ELIGIBLE
        out = np.where(ok, self.O_TO_SERVICES, self.outcomes("Assessment", NOT_ELIGIBLE_OUT, n))
        a_end = self.ev.add(P, "Assessment", a0, a0 + self.U(3, 35, n), out, m,
                            assessment_type=self.AT_LONG, eligible_needs=elig,
                            carer_in_assessment=self.carer(n))
        go = m & ok & (a_end <= self.E)
        s0 = a_end + self.U(1, 14, n)
        self.package(P, s0, go, components, more=0.5, spread=(0, 45), change=0.2)
        self.review_after(P, s0, go & (s0 <= self.E))

    def package(self, P: np.ndarray, s0: np.ndarray, mask: np.ndarray,
                components: Mapping[str, float], more: float, spread: tuple[int, int],
                change: float) -> None:
        """Up to three long term community services, the first from s0, the others `spread`
        days later. Each line may change in the period (chance `change`): it ends the day
        before a new line starts (same component, revised cost, or another component)."""
        n = len(P)
        for k in range(3):
            start = s0 if k == 0 else s0 + self.U(spread[0], spread[1], n)
            m = (mask if k == 0 else mask & self.chance(more**k, n)) & (start <= self.E)
            comp = self.pick("service_component", components, n)
            end = self.lasting(start, 1500)
            out = self.outcomes("Service", LONG_TERM_END_OUT, n)
            c = np.maximum(start, self.S) + 1 + self.U(0, 364, n)
            swap = m & self.chance(change, n) & (c <= self.E) & (c - 1 < end)
            end = np.where(swap, c - 1, end)
            out = np.where(swap, self.O_PLANNED_END, out)
            self.community_service(P, start, end, out, comp, m)
            new = np.where(self.chance(0.6, n), comp,
                           self.pick("service_component", components, n))
            self.community_service(P, c, self.lasting(c, 1500),
                                   self.outcomes("Service", LONG_TERM_END_OUT, n), new, swap)

    def community_service(self, P: np.ndarray, start: np.ndarray, end: np.ndarray,
                          out: np.ndarray, comp: np.ndarray, mask: np.ndarray) -> None:
        n = len(P)
        dm = np.where(comp == self.C_DP, self.DM_DP,
                      np.where(self.chance(0.6, n), self.DM_MANAGED, self.DM_COMMISSIONED))
        self.ev.add(P, "Service", start, end, out, mask, service_type=self.LT_COMMUNITY,
                    service_component=comp, delivery_mechanism=dm)

    def care_home_service(self, P: np.ndarray, start: np.ndarray, end: np.ndarray,
                          out: np.ndarray, nursing: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.ev.add(P, "Service", start, end, out, mask,
                           service_type=np.where(nursing, self.LT_NURSING, self.LT_RESIDENTIAL),
                           service_component=np.where(nursing, self.C_LT_NURS, self.C_LT_RES))

    # --- pathways -------------------------------------------------------------------------
    def front_door(self, P: np.ndarray) -> None:
        n = len(P)
        end = self.request(P, self.in_period(n), self.outcomes("Request", FRONT_DOOR_OUT, n),
                           ROUTES_FRONT)
        t1 = end + self.U(14, 150, n)
        self.request(P, t1, self.outcomes("Request", FRONT_DOOR_OUT, n), ROUTES_FRONT,
                     (end <= self.E) & self.chance(0.3, n))

    def short_term(self, P: np.ndarray) -> None:
        n = len(P)
        last = self.episode(P, self.in_period(n), np.ones(n, dtype=bool))
        # a second episode later in the period (e.g. after another hospital stay)
        self.episode(P, last + self.U(20, 200, n), (last <= self.E) & self.chance(0.35, n))
        self.contacts(P, 0.3)

    def episode(self, P: np.ndarray, t0: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Request -> (short term assessment) -> reablement. Returns the reablement's end."""
        n = len(P)
        direct = self.chance(0.4, n)
        r_end = self.request(P, t0, np.where(direct, self.O_TO_REABLEMENT, self.O_TO_ASSESS),
                             ROUTES_SHORT, mask)
        a0 = r_end + self.U(0, 3, n)
        am = mask & ~direct & (r_end <= self.E) & (a0 <= self.E)
        a_end = self.ev.add(P, "Assessment", a0, a0 + self.U(1, 10, n), self.O_TO_REABLEMENT,
                            am, assessment_type=self.AT_SHORT,
                            carer_in_assessment=self.carer(n))
        prev = np.where(direct, r_end, a_end)
        s0 = prev + self.U(0, 2, n)
        return self.reablement(P, s0, mask & (prev <= self.E))

    def new_community(self, P: np.ndarray) -> None:
        n = len(P)
        crisis = self.chance(0.1, n)
        r_end = self.request(P, self.in_period(n),
                             np.where(crisis, self.O_TO_SERVICES, self.O_TO_ASSESS),
                             ROUTES_LONG)
        # crisis response: emergency support first, then the long term assessment
        s0 = r_end + self.U(0, 1, n)
        cm = crisis & (r_end <= self.E) & (s0 <= self.E)
        s_end = self.ev.add(P, "Service", s0, s0 + self.U(1, 14, n), self.O_REASSESS, cm,
                            service_type=self.ST_OTHER, service_component=self.EMERGENCY)
        start_lt = np.where(crisis, s_end, r_end)
        self.long_term(P, start_lt, start_lt <= self.E, COMMUNITY_NEW)
        self.equipment(P, r_end + self.U(5, 40, n), (r_end <= self.E) & self.chance(0.25, n))
        self.contacts(P, 0.3)

    def existing_community(self, P: np.ndarray, components: Mapping[str, float] = COMMUNITY_EXISTING
                           ) -> None:
        n = len(P)
        s0 = self.S - self.U(30, 2500, n)
        self.package(P, s0, np.ones(n, dtype=bool), components, more=0.7, spread=(0, 900),
                     change=0.5)
        self.annual_review(P, np.ones(n, dtype=bool))
        self.unplanned_review(P, self.chance(0.3, n))
        self.contacts(P, 0.8)
        hospital = self.chance(0.2, n)
        r_end = self.request(P, self.in_period(n), self.O_TO_REABLEMENT, ROUTES_SHORT, hospital)
        self.reablement(P, r_end + self.U(0, 2, n), hospital & (r_end <= self.E))
        self.equipment(P, self.in_period(n), self.chance(0.3, n))

    def existing_care_home(self, P: np.ndarray) -> None:
        n = len(P)
        nursing = self.chance(0.35, n)
        s0 = self.S - self.U(30, 2800, n)
        end = self.lasting(s0, 8000)
        out = self.outcomes("Service", CARE_HOME_END_OUT, n)
        all_ = np.ones(n, dtype=bool)
        # a new line for the same placement when the fee is revised
        c = self.S + 1 + self.U(0, 120, n)
        revise = self.chance(0.6, n) & (c <= self.E) & (c - 1 < end)
        current = np.where(revise, c, s0)
        # some residents move to nursing care after a re-assessment
        move_at = self.S + 1 + self.U(0, 364, n)
        move = (~nursing & self.chance(0.08, n) & (move_at <= self.E) & (move_at < end)
                & (move_at > current))
        end = np.where(move, move_at, end)
        out = np.where(move, self.O_REASSESS, out)
        self.care_home_service(P, s0, np.where(revise, c - 1, end),
                               np.where(revise, self.O_PLANNED_END, out), nursing, all_)
        self.care_home_service(P, c, end, out, nursing, revise)
        a_end = self.ev.add(P, "Assessment", move_at, move_at + self.U(1, 14, n),
                            self.O_TO_SERVICES, move, assessment_type=self.AT_LONG,
                            eligible_needs=self.ELIGIBLE, carer_in_assessment=self.carer(n))
        n0 = a_end + self.U(0, 1, n)
        moved = move & (a_end <= self.E) & (n0 <= self.E)
        self.care_home_service(P, n0, self.lasting(n0, 8000),
                               self.outcomes("Service", CARE_HOME_END_OUT, n), all_, moved)
        self.care_home[P] = True
        self.nursing[P] = nursing | moved
        self.annual_review(P, all_)
        self.unplanned_review(P, self.chance(0.35, n))
        self.unplanned_review(P, self.chance(0.1, n))
        self.contacts(P, 0.5)

    def new_care_home(self, P: np.ndarray) -> None:
        n = len(P)
        nursing = self.chance(0.35, n)
        r_end = self.request(P, self.in_period(n), self.O_TO_SERVICES, ROUTES_CARE_HOME)
        s0 = r_end + self.U(0, 1, n)
        sm = (r_end <= self.E) & (s0 <= self.E)
        out = self.outcomes("Service", SHORT_BED_OUT, n)
        s_end = self.ev.add(P, "Service", s0, s0 + self.U(14, 56, n), out, sm,
                            service_type=self.ST_OTHER,
                            service_component=np.where(nursing, self.C_ST_NURS, self.C_ST_RES))
        am = sm & (s_end <= self.E) & (out == self.O_REASSESS)
        a_end = self.ev.add(P, "Assessment", s_end, s_end + self.U(1, 14, n),
                            self.O_TO_SERVICES, am, assessment_type=self.AT_LONG,
                            eligible_needs=self.ELIGIBLE, carer_in_assessment=self.carer(n))
        l0 = a_end + self.U(0, 1, n)
        lm = am & (a_end <= self.E) & (l0 <= self.E)
        self.care_home_service(P, l0, self.lasting(l0, 8000),
                               self.outcomes("Service", CARE_HOME_END_OUT, n), nursing, lm)
        self.review_after(P, l0, lm)
        self.care_home[P] = sm  # from the short term bed on
        self.nursing[P] = nursing

    def learning_disability(self, P: np.ndarray) -> None:
        n = len(P)
        transition = self.chance(0.12, n)
        self.existing_community(P[~transition], LD_COMPONENTS)
        T = P[transition]
        t = len(T)
        self.age_hint[T] = 18  # young people moving from children's services
        r_end = self.request(T, self.in_period(t), self.O_TO_ASSESS,
                             np.full(t, self.ROUTE_TRANSITION))
        self.long_term(T, r_end, r_end <= self.E, LD_COMPONENTS)

    def end_of_life(self, P: np.ndarray) -> None:
        n = len(P)
        r_end = self.request(P, self.in_period(n), self.O_TO_EOL, ROUTES_EOL)
        s0 = r_end + self.U(0, 2, n)
        # open-ended: most of these people die in the period, which closes the service
        # the template's type (Short Term Support: End of Life is in the guidance only)
        self.ev.add(P, "Service", s0, np.full(n, OPEN), self.O_PLANNED_END,
                    (r_end <= self.E) & (s0 <= self.E), service_type=self.ST_OTHER,
                    service_component=self.EOL_CARE)
        self.death_mean[P] = 40

    def run(self) -> None:
        names = list(KINDS)
        w = np.array([KINDS[k] for k in names])
        self.kind = self.rng.choice(len(names), size=self.n, p=w / w.sum())
        for k, name in enumerate(names):
            P = np.flatnonzero(self.kind == k)
            self.death_p[P] = 1 - (1 - DEATH_PER_YEAR[name]) ** self.frac
            if len(P):
                getattr(self, name)(P)
