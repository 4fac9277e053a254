"""One year's money, on arrays over all organisations (brief mechanisms 2, 4, 5, 6, 10).

The order of a round:

1. Each body pays its yearly costs: income ``B`` against costs ``B (1 + pressure)``
   where pressure = demand growth - funding growth (the integration paradox [001]).
2. It pools a share of its discretionary budget: at least the Better Care Fund
   minimum (CCGs and councils), at most what targets leave free (NHS bodies,
   [002]); a council under the balanced-budget rule pools only what it can
   afford. Pooling is "not new money but a pooling of existing resources" [004]:
   every pooled pound is a pound the body does not keep.
3. Transformation money repays part of voluntary contributions while it lasts [004].
4. Pooled money becomes savings ``multiplier x efficiency x shock`` after a lag
   (calibration §5); they land unevenly by type (mostly hospitals and long-term
   care), and under payment by activity most of an acute trust's share goes to
   the commissioner instead [004].
5. Footprints that pool at least the threshold earn the incentive fund [002].
6. Risk sharing spreads part of each body's result across its footprint [004].
7. Councils heading for deficit must cut; the cuts shift cost onto the NHS
   (cost_shift_rate, calibration §4) [001].
8. NHS bodies lose money for judged deficits and get partial bail-outs (regulation.py).

Every flow is kept, so money is conserved exactly:
sum(balance) = sum(income - cost - contribution + savings + transformation
+ incentive + bailout - penalty + cut - shifted), and transfers sum to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from stpgame.core import regulation
from stpgame.core.params import ORG_TYPES, SAVINGS_SHARES
from stpgame.core.structure import Structure

ACUTE, COMMUNITY, CCG, COUNCIL = range(4)
# England 2016/17: 5.8m emergency admissions, 2.3m delayed-transfer bed days
# (calibration §3), over a population of about 55m (ONS mid-2016).
ADMISSIONS_PER_MILLION = 5.8e6 / 55.0
DELAYED_DAYS_PER_MILLION = 2.3e6 / 55.0
# Only part of a pound saved or cut is emergency admissions or delayed days (DERIVED):
# emergency admissions £13.7bn of provider income £76bn; delayed older patients
# £820m gross (NAO HC 18) of adult social care £17.5bn (calibration §2, §3).
EMERGENCY_SHARE = 13.7 / 76.0
DELAY_SHARE = 0.82 / 17.5


@dataclass
class Ledger:
    """What carries over from one year to the next for one copy of the economy."""

    pipeline: np.ndarray  # savings still to land, shape (lag + 1, footprints)
    cumulative: np.ndarray
    last_balance: np.ndarray
    trust: np.ndarray  # trust on each relationship link
    generated_total: float = 0.0
    landed_total: float = 0.0


@dataclass
class Round:
    """Every flow of one year, per organisation (£m) and per footprint."""

    contribution: np.ndarray
    forced: np.ndarray
    transformation: np.ndarray
    savings: np.ndarray
    incentive: np.ndarray
    transfer: np.ndarray
    cut: np.ndarray
    shifted: np.ndarray
    penalty: np.ndarray
    bailout: np.ndarray
    balance: np.ndarray
    income: np.ndarray
    cost: np.ndarray
    appraisal: np.ndarray
    pool: np.ndarray
    generated: np.ndarray
    admissions: np.ndarray
    delayed_days: np.ndarray
    outcome_index: np.ndarray
    welfare_share: np.ndarray  # each body's part of collective welfare

    @property
    def welfare(self) -> float:
        """Collective welfare: income - costs - pooled + savings - shifted cost (£m)."""
        return float(self.welfare_share.sum())

    def first(self, n: int, n_fp: int) -> Round:
        """The first copy of a doubled round: organisations ``:n``, footprints ``:n_fp``."""
        size = len(self.contribution)
        cut = {size: n, len(self.pool): n_fp}
        return Round(
            *(getattr(self, f.name)[: cut[len(getattr(self, f.name))]] for f in fields(self))
        )


class Economy:
    """Constants of one model's economy, and the yearly arithmetic over them."""

    def __init__(self, structure: Structure, budget: np.ndarray, p: dict):
        self.p = p
        self.fp = structure.footprint
        self.n_fp = structure.n_footprints
        self.type = structure.org_type
        self.budget = budget
        self.is_council = self.type == COUNCIL
        self.is_nhs = ~self.is_council
        self.fp_budget = regulation.per_footprint(budget, self.fp, self.n_fp)
        self.discretionary = p["discretionary_share"] * budget
        bcf = np.isin(self.type, (CCG, COUNCIL))
        self.floor = np.where(bcf, p["bcf_minimum_share"], 0.0)
        self.cap = np.where(self.is_nhs, 1.0 - p["target_pressure"], 1.0)
        self.pressure = p["demand_growth"] - p["funding_growth"]
        self.landing = self._landing_weights(structure)
        counts = structure.counts().sum(axis=1)
        self.coordination = 1.0 / (1.0 + p["coordination_cost"] * np.maximum(0, counts - 4))
        self.coordination *= np.where(structure.coterminous, 1.0, 1.0 - p["boundary_mismatch_cost"])
        self.base_admissions = ADMISSIONS_PER_MILLION * structure.population
        self.base_delays = DELAYED_DAYS_PER_MILLION * structure.population
        self.discount = (1.0 + p["discount_rate"]) ** -p["savings_lag"]
        self.hospital_side = np.isin(self.type, (ACUTE, CCG))
        # constants of every round, computed once
        self.cost = budget * (1.0 + self.pressure)
        self.minimum = self.floor * self.discretionary
        self.room = np.maximum(self.cap - self.floor, 0.0) * self.discretionary
        self.discretionary_fp = regulation.per_footprint(self.discretionary, self.fp, self.n_fp)
        nhs_budget = regulation.per_footprint(budget * self.is_nhs, self.fp, self.n_fp)
        self.nhs_share = np.where(
            self.is_nhs, budget / np.maximum(nhs_budget[self.fp], 1e-300), 0.0
        )
        self.budget_share = budget / self.fp_budget[self.fp]

    def _landing_weights(self, s: Structure) -> np.ndarray:
        """Share of its footprint's savings each organisation receives (sums to 1 per footprint)."""
        p = self.p
        shares = np.array([p[k] for k in SAVINGS_SHARES])
        present = s.counts() > 0
        type_share = shares[None, :] * present
        type_share /= np.maximum(type_share.sum(axis=1, keepdims=True), 1e-300)
        ap = p["activity_payment"]
        has_ccg = present[:, CCG]
        moved = np.where(has_ccg, ap * type_share[:, ACUTE], 0.0)
        type_share[:, ACUTE] -= moved
        type_share[:, CCG] += moved
        type_budget = np.zeros((self.n_fp, len(ORG_TYPES)))
        np.add.at(type_budget, (self.fp, self.type), self.budget)
        return type_share[self.fp, self.type] * self.budget / type_budget[self.fp, self.type]

    def new_ledger(self, trust: np.ndarray) -> Ledger:
        lag = self.p["savings_lag"]
        zeros = np.zeros(len(self.budget))
        return Ledger(np.zeros((lag + 1, self.n_fp)), zeros.copy(), zeros.copy(), trust.copy())

    def savings_efficiency(self, fp_trust: np.ndarray) -> np.ndarray:
        """Per footprint: share of the multiplier that survives coordination, boundaries, trust."""
        te = self.p["trust_effect"]
        return self.coordination * (1.0 - te + te * fp_trust)

    def transformation_rate(self, year: int) -> float:
        p = self.p
        return p["transformation_fund"] if year <= p["transformation_years"] else 0.0

    def pooling_returns(self, fp_trust: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Return per pound pooled, to the body itself and to its whole footprint.

        Expected, discounted savings minus the net cost of the pound (part of a
        voluntary pound is repaid by transformation money); the body's own
        return counts risk sharing, which hands part of its result to the
        footprint and back by budget share. The N-player view of the dilemma:
        withholding is dominant for a body judged alone when its own return is
        below 0, and the system gains when the system return is above 0 (brief
        mechanism 2). Savings shocks have mean 1, so uncertainty spreads savings
        without changing their expectation.
        """
        p = self.p
        gain = self.discount * p["savings_multiplier"] * self.savings_efficiency(fp_trust)[self.fp]
        cost = 1.0 - self.transformation_rate(year)
        system = gain - cost
        own = gain * self.landing - cost
        own = (1.0 - p["risk_share"]) * own + p["risk_share"] * self.budget_share * system
        return own, system

    def marginal_payoff(self, fp_trust: np.ndarray, year: int) -> np.ndarray:
        """Change in each body's judged payoff from pooling rather than withholding."""
        p = self.p
        own, system = self.pooling_returns(fp_trust, year)
        judged = regulation.judged(
            own, system, self.budget, self.fp_budget[self.fp], p["system_weight"]
        )
        return (1.0 - p["outcome_weight"]) * self.room * judged

    def play(
        self, ledger: Ledger, levels: np.ndarray, year: int, shock: np.ndarray, fp_trust: np.ndarray
    ) -> Round:
        """Run one year for intended pooling ``levels`` in [0, 1]; updates ``ledger``."""
        p, B, fp, n_fp = self.p, self.budget, self.fp, self.n_fp
        income, cost = B, self.cost
        landed_fp = ledger.pipeline[0].copy() if p["savings_lag"] > 0 else np.zeros(n_fp)
        tf = self.transformation_rate(year)

        minimum = self.minimum
        wanted = minimum + np.clip(levels, 0.0, 1.0) * self.room
        contribution = wanted
        if p["council_balanced_budget"]:
            headroom = income - cost + landed_fp[fp] * self.landing - minimum
            affordable = minimum + np.maximum(headroom, 0.0) / max(1.0 - tf, 1e-9)
            contribution = np.where(self.is_council, np.minimum(wanted, affordable), wanted)
        forced = contribution < wanted - 1e-9
        transformation = tf * (contribution - minimum)

        pool = regulation.per_footprint(contribution, fp, n_fp)
        generated = pool * p["savings_multiplier"] * self.savings_efficiency(fp_trust) * shock
        ledger.pipeline[-1] += generated
        if p["savings_lag"] == 0:
            landed_fp = ledger.pipeline[0].copy()
        ledger.pipeline[:-1] = ledger.pipeline[1:]
        ledger.pipeline[-1] = 0.0
        ledger.generated_total += float(generated.sum())
        ledger.landed_total += float(landed_fp.sum())
        savings = landed_fp[fp] * self.landing

        disc_fp = self.discretionary_fp
        pooled_share = np.divide(pool, disc_fp, out=np.zeros(n_fp), where=disc_fp > 0)
        earns = pooled_share >= p["incentive_threshold"]
        fund = np.where(earns, p["incentive_fund"] * self.fp_budget, 0.0)
        incentive = fund[fp] * np.divide(
            contribution, pool[fp], out=np.zeros_like(B), where=pool[fp] > 0
        )

        net = income - cost - contribution + savings + transformation + incentive
        fp_net = regulation.per_footprint(net, fp, n_fp)
        transfer = p["risk_share"] * (self.budget_share * fp_net[fp] - net)
        net = net + transfer

        cut = np.zeros_like(B)
        if p["council_balanced_budget"]:
            cut = np.where(self.is_council, np.maximum(0.0, -net), 0.0)
        cuts_fp = regulation.per_footprint(cut, fp, n_fp)
        shifted_fp = p["cost_shift_rate"] * cuts_fp
        shifted = shifted_fp[fp] * self.nhs_share
        net = net + cut - shifted
        welfare_share = income - cost - contribution + savings - shifted

        penalty = regulation.penalties(
            net, self.is_nhs, self.nhs_share, fp, n_fp, p["system_weight"], p["breach_penalty"]
        )
        bailout = regulation.bailouts(net - penalty, self.is_nhs, p["bailout_share"])
        balance = net - penalty + bailout
        ledger.cumulative += balance
        ledger.last_balance = balance

        # Outcomes: savings avoid admissions (hospital side) and delayed days
        # (community and council side); council cuts add delays, shifted cost adds admissions.
        hosp = regulation.per_footprint(savings * self.hospital_side, fp, n_fp)
        care = regulation.per_footprint(savings * ~self.hospital_side, fp, n_fp)
        admissions = np.maximum(
            0.0,
            self.base_admissions
            + EMERGENCY_SHARE * (shifted_fp - hosp) * 1e6 / p["cost_per_admission"],
        )
        delays = np.maximum(
            0.0, self.base_delays + DELAY_SHARE * (cuts_fp - care) * 1e6 / p["cost_per_bed_day"]
        )
        index = (
            100.0
            - 50.0 * (admissions / self.base_admissions - 1.0)
            - 50.0 * (delays / self.base_delays - 1.0)
        )
        index = np.clip(index, 0.0, 200.0)

        # A body appraises the year by its own result with this year's pooling
        # valued at the (discounted) savings it will bring, not last years'.
        appraisal = balance - savings + self.discount * generated[fp] * self.landing
        return Round(
            contribution,
            forced,
            transformation,
            savings,
            incentive,
            transfer,
            cut,
            shifted,
            penalty,
            bailout,
            balance,
            income,
            cost,
            appraisal,
            pool,
            generated,
            admissions,
            delays,
            index,
            welfare_share,
        )
