"""STPModel: organisations in STP footprints play a repeated public-goods game.

Each call to ``step()`` is one financial year, in phases:

1. **decide**: every organisation's strategy says pool or withhold (strategies/);
   bodies in deficit may "firefight" and withhold [001]; mistakes flip a move
   with probability ``noise``; a human player's choice overrides its body.
2. **play**: economy.py runs the year's money for these choices, and again for
   a shadow copy in which everyone pools, to measure the price of fortress
   behaviour (the collective outcome given up against full cooperation).
3. **relate**: trust on each link grows or erodes (network.py).
4. **judge**: regulatory scores and payoffs (regulation.py); strategies
   remember the year and learners learn.
5. **turnover**: some leaders change, resetting relationships and memory [004].
"""

from __future__ import annotations

import numbers

import mesa
import numpy as np
import pandas as pd

from stpgame import strategies
from stpgame.core import regulation, scenarios
from stpgame.core.agents import Organisation
from stpgame.core.economy import Economy, Round
from stpgame.core.network import Relationships
from stpgame.core.outputs import MODEL_OUTPUTS, ORG_OUTPUTS
from stpgame.core.params import ORG_TYPES, STRATEGY_PARAMS, ParameterError, check_seed, validate
from stpgame.core.structure import MEAN_BUDGET, build

BUDGET_SPREAD = 0.25  # log-sd of budgets around each type's mean (assumption)


class STPModel(mesa.Model):
    """Organisations in STP footprints playing a repeated N-player prisoner's dilemma.

    ``STPModel(seed=1, system_weight=0.5)`` uses the defaults in params.py;
    ``STPModel.from_scenario("fortress", seed=1)`` starts from a preset.
    """

    def __init__(self, seed: int | None = None, scenario: str | None = None, **params):
        base = scenarios.get(scenario).params if scenario else None
        self.params = validate(params, base=validate(base) if base else None)
        self.seed = check_seed(seed)
        self.scenario = scenario
        super().__init__(seed=self.seed)
        p = self.params
        self.structure = s = build(p["structure"], p["n_footprints"])
        means = np.array([MEAN_BUDGET[t] for t in ORG_TYPES])[s.org_type]
        budget = means * self.rng.lognormal(0.0, BUDGET_SPREAD, s.n)
        self.relationships = Relationships(s, self.rng, p["initial_trust_shift"])
        self.economy = Economy(s, budget, p)
        # The year is played once over two copies side by side: the actual bodies
        # and a twin where everyone pools (same shocks), for the price of fortress.
        self._twin_rel = self.relationships.doubled()
        self._twin = Economy(s.doubled(), np.concatenate([budget, budget]), p)
        self.ledger = self._twin.new_ledger(self._twin_rel.trust)
        self.memory = strategies.Memory(s.n)
        self._fp_edge_count = np.bincount(
            self._twin.fp[self._twin_rel.i], minlength=2 * s.n_footprints
        )
        self._refresh_trust()
        self.memory.trust = self._mean_trust2[: s.n]
        self.config = strategies.StrategyConfig.from_params(p)
        self.strategy_names = self._assign_strategies()
        self.round = 0
        self.last_round: Round | None = None
        self.scores = np.zeros(s.n)
        self.latest: dict[str, float] = {}
        self._pending: dict[int, float] = {}
        self._org_rows: list[dict[str, np.ndarray]] = []
        self._peers = _PeerSampler(s.footprint, s.org_type)
        self._n_edges = len(self.relationships.i)
        self._fp_size = np.bincount(s.footprint, minlength=s.n_footprints)
        self._cum_price = 0.0
        self._all_pool = np.ones(s.n)
        self._new_leader = np.zeros(s.n, bool)
        self._discretionary_total = max(float(self.economy.discretionary.sum()), 1e-12)
        self._n_councils = int(self.economy.is_council.sum())
        self._population_weight = s.population / s.population.sum()
        self._all_pool_bool = np.ones(s.n, bool)
        self.organisations = [Organisation(self, k) for k in range(s.n)]
        # One table row per year: Mesa's table rows cost ~2 µs, reporters ~60 µs a year.
        self.datacollector = mesa.DataCollector(tables={"years": list(MODEL_OUTPUTS)})

    @classmethod
    def from_scenario(cls, name: str, seed: int | None = None, **overrides) -> STPModel:
        """A model from a named preset (see ``stpgame scenarios``), with overrides."""
        return cls(seed=seed, scenario=name, **overrides)

    # -- the year --------------------------------------------------------------
    def step(self) -> None:
        self.round += 1
        mem, rel, p = self.memory, self.relationships, self.params
        n = self.structure.n
        n_fp = self.structure.n_footprints
        mem.trust = self._mean_trust2[:n]
        fp_trust2 = self._fp_trust2
        fp_trust = fp_trust2[:n_fp]
        peer = self._peers.sample(self.rng)
        mem.peer_move, mem.peer_payoff = mem.own_last[peer], mem.payoff_last[peer]

        moves = np.zeros(n, bool)
        for name, idx in self._groups:
            moves[idx] = self._strategy_objects[name].decide(mem, idx, self.rng, self.config)
        stressed = self.rng.random(n) < p["firefighting"] * self._deficit_depth()
        moves &= ~(stressed | self._new_leader)  # new leaders find their feet first [004]
        moves ^= self.rng.random(n) < p["noise"]
        levels = moves.astype(float)
        for k, level in self._pending.items():
            levels[k] = level
        self._pending.clear()

        sigma = p["savings_uncertainty"]
        shock = self.rng.lognormal(-(sigma**2) / 2, sigma, n_fp)  # mean 1
        both = self._twin.play(
            self.ledger,
            np.concatenate([levels, self._all_pool]),
            self.round,
            np.concatenate([shock, shock]),
            fp_trust2,
        )
        actual = both.first(n, n_fp)
        ideal = float(both.welfare_share[n:].sum())
        pooled = self._pooled(actual, levels)
        self.ledger.trust = self._twin_rel.update(
            np.concatenate([pooled, self._all_pool_bool]),
            p["trust_gain"],
            p["trust_loss"],
            p["cultural_barrier"],
            self.ledger.trust,
        )

        payoff, self.scores = self._judge(actual)
        partner_share = self._partner_share(pooled)
        mem.record(pooled, partner_share, payoff)
        gain = self.economy.marginal_payoff(fp_trust, self.round)
        mem.foregone = payoff - np.where(pooled, gain, -gain)
        for name, idx in self._groups:
            self._strategy_objects[name].learn(mem, idx, pooled, payoff, self.config)

        new_leader = self.rng.random(n) < p["leadership_turnover"]
        self._new_leader = new_leader
        mem.forget(new_leader)
        if new_leader.any():
            self._twin_rel.reset(np.concatenate([new_leader, new_leader]), self.ledger.trust)
        rel.trust = self.ledger.trust[: self._n_edges]
        self._refresh_trust()

        self.last_round = actual
        self._record(actual, ideal, pooled, partner_share, payoff, levels)
        self.datacollector.add_table_row("years", self.latest)

    def run(self, rounds: int) -> STPModel:
        """Play ``rounds`` more years and return the model."""
        if isinstance(rounds, bool) or not isinstance(rounds, int | np.integer) or rounds < 0:
            raise ParameterError("rounds", "a whole number >= 0", rounds)
        for _ in range(int(rounds)):
            self.step()
        return self

    def choose(self, index: int, level: float) -> None:
        """A human player's pooling level (0 = keep everything, 1 = pool all) for next year."""
        if (
            isinstance(index, bool)
            or not isinstance(index, numbers.Integral)
            or not 0 <= index < self.structure.n
        ):
            raise ParameterError(
                "org_id", f"a whole number from 0 to {self.structure.n - 1}", index
            )
        try:
            level = float(level)
        except (TypeError, ValueError):
            raise ParameterError("level", "a number in [0, 1]", level) from None
        if not 0.0 <= level <= 1.0:
            raise ParameterError("level", "a number in [0, 1]", level)
        self._pending[int(index)] = level

    # -- outputs -----------------------------------------------------------------
    def model_dataframe(self) -> pd.DataFrame:
        """One row per year: the collective outcomes (see MODEL_OUTPUTS)."""
        df = self.datacollector.get_table_dataframe("years")
        return df.astype({"round": "int64"}) if len(df) else pd.DataFrame(columns=MODEL_OUTPUTS)

    def org_dataframe(self) -> pd.DataFrame:
        """One row per organisation per year: the individual outcomes."""
        if not self._org_rows:
            return pd.DataFrame(columns=ORG_OUTPUTS)
        s = self.structure
        n = s.n
        cols = {k: np.concatenate([r[k] for r in self._org_rows]) for k in self._org_rows[0]}
        reps = len(self._org_rows)
        kinds, codes = np.unique(self.strategy_names, return_inverse=True)
        df = pd.DataFrame(
            {
                "round": np.repeat(np.arange(1, reps + 1), n),
                "org_id": np.tile(np.arange(n), reps),
                "org_type": pd.Categorical.from_codes(np.tile(s.org_type, reps), ORG_TYPES),
                "footprint": pd.Categorical.from_codes(
                    np.tile(s.footprint, reps), s.footprint_names
                ),
                "strategy": pd.Categorical.from_codes(np.tile(codes, reps), kinds),
                **cols,
            }
        )
        df["rating"] = pd.Categorical.from_codes(
            regulation.rating(df["score"].to_numpy()), regulation.RATINGS
        )
        return df

    def footprint_trust(self) -> np.ndarray:
        """Mean trust on the links inside each footprint, now."""
        return self._fp_trust2[: self.structure.n_footprints].copy()

    def pooling_returns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per organisation: return per pound pooled to itself and to its footprint (now)."""
        return self.economy.pooling_returns(self.footprint_trust(), self.round + 1)

    def network(self, footprint: int | str | None = None):
        """The relationship network (networkx) with current ``trust`` on each edge.

        ``footprint`` (index or name) keeps only that footprint's organisations.
        """
        if footprint is None:
            return self.relationships.graph_with_trust()
        names = self.structure.footprint_names
        if isinstance(footprint, str):
            if footprint not in names:
                raise ParameterError("footprint", "one of " + ", ".join(names), footprint)
            footprint = names.index(footprint)
        if (
            isinstance(footprint, bool)
            or not isinstance(footprint, numbers.Integral)
            or not 0 <= footprint < len(names)
        ):
            raise ParameterError(
                "footprint", f"a name or a whole number from 0 to {len(names) - 1}", footprint
            )
        members = np.flatnonzero(self.structure.footprint == int(footprint))
        return self.relationships.graph_with_trust(members)

    # -- internals -------------------------------------------------------------------
    def _assign_strategies(self) -> np.ndarray:
        """Give each organisation a strategy from its type's mix, in exact proportions."""
        s, names = self.structure, np.empty(self.structure.n, dtype=object)
        for t, key in zip(range(len(ORG_TYPES)), STRATEGY_PARAMS, strict=True):
            members = np.flatnonzero(s.org_type == t)
            items = strategies.mix_items(self.params[key])
            quota = np.array([w for _, w in items]) * len(members)
            counts = np.floor(quota).astype(int)
            order = np.argsort(-(quota - counts), kind="stable")
            counts[order[: len(members) - counts.sum()]] += 1
            labels = np.repeat([nm for nm, _ in items], counts)
            names[members] = self.rng.permutation(labels)
        self._strategy_objects = {nm: strategies.get(nm) for nm in sorted(set(names))}
        self._groups = [(nm, np.flatnonzero(names == nm)) for nm in self._strategy_objects]
        return names.astype(str)

    def _deficit_depth(self) -> np.ndarray:
        """Last year's deficit as a share of budget, relative to the 2015/16 provider
        deficit of 3.2% (£2.45bn on £76bn, calibration §2), capped at 1."""
        n = self.structure.n
        deficit = np.maximum(0.0, -self.ledger.last_balance[:n]) / self.economy.budget
        return np.minimum(1.0, deficit / 0.032)

    def _refresh_trust(self) -> None:
        """Mean trust per organisation and per footprint (both copies), from one pass.

        Every link lies inside one footprint and touches two of its bodies, so a
        footprint's link-trust total is half the sum of its bodies' totals.
        """
        rel = self._twin_rel
        total = rel.totals(self.ledger.trust)
        self._mean_trust2 = np.divide(total, rel.degree, out=np.zeros(rel.n), where=rel.degree > 0)
        count = self._fp_edge_count
        fp_total = np.bincount(self._twin.fp, total, len(count)) / 2.0
        self._fp_trust2 = np.divide(fp_total, count, out=np.full(len(count), 0.5), where=count > 0)

    def _pooled(self, r: Round, levels: np.ndarray) -> np.ndarray:
        """Did each body pool at least half of what it was free to pool?

        A body with nothing left to choose (the BCF minimum takes all its free
        money) counts by what it meant to do.
        """
        e = self.economy
        level = np.divide(r.contribution - e.minimum, e.room, out=levels.copy(), where=e.room > 0)
        return level >= 0.5 - 1e-9

    def _partner_share(self, pooled: np.ndarray) -> np.ndarray:
        fp = self.structure.footprint
        count = np.bincount(fp, pooled.astype(float), self.structure.n_footprints)
        partners = self._fp_size[fp] - 1
        return np.divide(count[fp] - pooled, partners, out=np.zeros(len(fp)), where=partners > 0)

    def _judge(self, r: Round) -> tuple[np.ndarray, np.ndarray]:
        """Payoffs (what strategies learn from) and regulatory scores."""
        e, p, fp = self.economy, self.params, self.structure.footprint

        def blend(values):
            total = regulation.per_footprint(values, fp, e.n_fp)[fp]
            judged = regulation.judged(values, total, e.budget, e.fp_budget[fp], p["system_weight"])
            return regulation.score(judged, r.outcome_index[fp], p["outcome_weight"])

        return blend(r.appraisal), blend(r.balance - r.bailout)

    def _record(self, r: Round, ideal: float, pooled, partner_share, payoff, levels) -> None:
        """Model-level outputs into ``latest`` (for the DataCollector) and org rows.

        The arrays of ``r`` are new every round, so they are kept without copying.
        """
        e, rel = self.economy, self.relationships
        n = len(pooled)
        sucker = pooled & (partner_share < 0.5)
        price = ideal - r.welfare
        self._cum_price += price
        nhs = e.is_nhs
        self.latest = {
            "round": self.round,
            "cooperation_rate": pooled.sum() / n,
            "pooled_share": r.contribution.sum() / self._discretionary_total,
            "system_balance": r.balance.sum(),
            "collective_welfare": r.welfare,
            "full_cooperation_welfare": ideal,
            "price_of_fortress": price,
            "cumulative_price_of_fortress": self._cum_price,
            "mean_individual_score": self.scores.sum() / n,
            "emergency_admissions": r.admissions.sum(),
            "delayed_bed_days": r.delayed_days.sum(),
            "patient_outcome_index": r.outcome_index @ self._population_weight,
            "mean_trust": rel.trust.mean() if len(rel.trust) else 0.0,
            "sucker_share": sucker.sum() / n,
            "councils_cutting": (r.cut > 0).sum() / self._n_councils if self._n_councils else 0.0,
            "council_cuts": r.cut.sum(),
            "nhs_deficit": -np.minimum(0.0, r.balance) @ nhs,
            "penalties": r.penalty.sum(),
            "bailouts": r.bailout.sum(),
            "incentives": r.incentive.sum(),
            "transformation_money": r.transformation.sum(),
        }
        self.latest = {k: float(v) for k, v in self.latest.items()}
        self.latest["round"] = self.round
        self._org_rows.append(
            {
                "pooled": pooled,
                "level": levels,
                "contribution": r.contribution,
                "savings": r.savings,
                "cut": r.cut,
                "penalty": r.penalty,
                "bailout": r.bailout,
                "balance": r.balance,
                "cumulative_balance": self.ledger.cumulative[:n].copy(),
                "score": self.scores,
                "payoff": payoff,
                "sucker": sucker,
                "forced_cut": r.forced,
                "trust": self._mean_trust2[:n],
            }
        )


class _PeerSampler:
    """Draws, for every organisation, one peer: a footprint partner or a same-type body anywhere."""

    def __init__(self, footprint: np.ndarray, org_type: np.ndarray):
        self.n = len(footprint)
        self.fp = self._index(footprint)
        self.type = self._index(org_type)

    @staticmethod
    def _index(group: np.ndarray):
        order = np.argsort(group, kind="stable")
        size = np.bincount(group)
        start = np.concatenate([[0], np.cumsum(size)[:-1]])
        return order, start[group], size[group]

    def _draw(self, index, rng) -> np.ndarray:
        order, start, size = index
        pick = (rng.random(self.n) * np.maximum(size - 1, 1)).astype(int)
        cand = order[start + pick]
        # skip self: if we drew ourselves, take the last member of the group instead
        return np.where(cand == np.arange(self.n), order[start + size - 1], cand)

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        local, anywhere = self._draw(self.fp, rng), self._draw(self.type, rng)
        return np.where(rng.random(self.n) < 0.5, local, anywhere)
