"""STPModel: organisations in STP footprints play a repeated public-goods game.

Each call to ``step()`` is one financial year, in named phases:

1. ``_decide``: every organisation's strategy chooses a pooling level from what it can
   observe (strategies/observation.py: its books, its partners' visible moves, published
   figures, its finance team's estimate); an optional firefighting rule [001]; mistakes
   (a random level) with probability ``noise``; a human player's choice overrides its body.
   Decisions come before the year's random draws, which no body can know.
2. ``_draw_year``: the year's savings shocks, cost shocks and each footprint's trust.
3. ``_play``: the year's money on a cash basis (economy.py), and the counterfactuals
   (counterfactuals.py): the same year with everyone pooling, for the price of fortress
   behaviour, and each body's finance-team estimate: its year replayed at expected savings
   and costs with its level as played and at the other extreme, plus an estimation error
   that shrinks with its experience of pooling.
4. ``_relate``: trust on each link grows, erodes or fades (network.py).
5. ``_learn``: the bodies' observations take in the year (their books, partners' levels,
   the estimate).
6. ``_turnover``: some leaders change: partners' trust in them falls to a stranger's, while
   the books and the finance team's estimates stay [004].
7. ``_record``: the year's outputs (outputs.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from stpgame import strategies
from stpgame.core import checks, regulation, scenarios
from stpgame.core.agents import Organisation
from stpgame.core.arrays import BoolArray, FloatArray, IntArray
from stpgame.core.compiled import index, kernel
from stpgame.core.counterfactuals import (
    Appraisal,
    Counterfactuals,
    appraised_payoff,
    regulatory_score,
)
from stpgame.core.economy import COUNCIL, Economy, Round, YearDraws, structural_gap
from stpgame.core.network import Relationships
from stpgame.core.outputs import MODEL_OUTPUTS, ORG_OUTPUTS, ORG_VALUES
from stpgame.core.params import ORG_TYPES, STRATEGY_PARAMS, Params
from stpgame.core.recorder import Recorder, share_of
from stpgame.core.structure import MEAN_BUDGET, Structure, build
from stpgame.errors import ParameterError

if TYPE_CHECKING:
    import networkx as nx

BUDGET_SPREAD = 0.25  # log-sd of budgets around each type's mean (assumption)
STRUCTURE_PARAMS = ("structure", "n_footprints", "place")
FIXED_IN_GAME = (*STRUCTURE_PARAMS, "history_years")
"""What ``change_rules`` refuses: the footprints, and the years already played before year 1."""
# The rules before 2016/17, for the years played before year 1 (``history_years``): the
# Better Care Fund from 2015/16, no sustainability money, control totals, care precept or
# improved BCF yet (calibration §2).
HISTORY_RULES: dict[str, object] = {
    "sustainability_fund": 0.0,
    "control_total": "none",
    "care_precept": 0.0,
    "improved_bcf": 0.0,
}
YEAR0_STOCKS = ("mean_trust", "cumulative_price_of_fortress", "trust", "cumulative_balance")
"""The outputs that have a value in year 0, before the first decision: trust as the bodies
start, and sums over no years yet (zero). Every other output is a flow of a played year
(pooling, money, admissions, scores) and is missing (NaN) in year 0."""


class STPModel(mesa.Model):  # type: ignore[misc]  # mesa is untyped
    """Organisations in STP footprints playing a repeated N-player public-goods game
    over shared budgets (a prisoner's dilemma or not, depending on the rules and the
    savings evidence: ``stpgame analyse``).

    ``STPModel(seed=1, system_weight=0.5)`` uses the defaults in params.py;
    ``STPModel.from_scenario("fortress", seed=1)`` starts from a preset;
    ``STPModel(seed=1, params=checked)`` takes a ``Params`` already checked.
    """

    # Set in _build_economy (which tests for an existing counterfactuals); declared here so
    # type checkers know them.
    economy: Economy
    counterfactuals: Counterfactuals

    def __init__(
        self,
        seed: int | None = None,
        scenario: str | None = None,
        params: Params | None = None,
        **overrides: object,
    ):
        if params is None and scenario is not None:
            params = scenarios.get(scenario).checked
        self.params: Params = (
            params if params is not None and not overrides else Params.build(overrides, params)
        )
        self.seed = checks.seed(seed)
        self.scenario = scenario
        super().__init__(seed=self.seed)
        p = self.params
        self.structure: Structure = build(p.structure, p.n_footprints, p.place)
        s = self.structure
        means = np.array([MEAN_BUDGET[t] for t in ORG_TYPES])[s.org_type]
        spread = self.rng.lognormal(0.0, BUDGET_SPREAD, s.n)  # drawn always: same stream
        # real places bring their budgets from the data (stpgame.places, docs/places.md)
        self.budget = means * spread if s.budget is None else np.array(s.budget, float)
        self._cost_z = self.rng.standard_normal(s.n)  # each body's place in the cost spread
        # each NHS body's place in the regulator's spread of stretch: its own stream, so the
        # model's other draws do not depend on it
        own = None if self.seed is None else (self.seed, 22)
        self._stretch_z = np.random.default_rng(own).standard_normal(s.n)
        self.relationships = Relationships(s, self.rng, p.initial_trust_shift)
        self._twin_rel = self.relationships.copy()
        if p.history_years:  # the years before year 1 start under their rules (_play_history)
            self.params = p.replace(**HISTORY_RULES)
        self._build_economy()
        self.ledger = self.economy.new_ledger()
        self.observation = strategies.Observation(s.n)
        self._mark_year0()
        self.strategy_names = self._assign_strategies()
        self.round = 0
        self.last_round: Round | None = None
        self.scores = np.zeros(s.n)
        self._pending: dict[int, float] = {}
        self._years = Recorder(s.org_type == COUNCIL, s.population)
        self._peers = _peer_sampler(s)
        self._fp_size = np.bincount(s.footprint, minlength=s.n_footprints)
        self._fp_index = index(s.footprint)
        self._organisations: list[Organisation] | None = None
        # Mesa's table of the years, filled from the recorder when asked for (``datacollector``)
        self._collector = mesa.DataCollector(tables={"years": list(MODEL_OUTPUTS)})
        self.history: list[Round] = []
        if p.history_years:
            self._play_history(p)

    def _play_history(self, rules: Params) -> None:
        """The years before year 1 under the rules before 2016/17 (``HISTORY_RULES``), played
        and not recorded: the bodies start year 1 with their books, estimates, relationships
        and savings in the pipeline; results since year 1 start at 0 (the savings counts
        keep the years before, as their savings are still in the pipeline). Numbered
        1 - years .. 0, so money and demand are a year's growth lower in the year before.
        Each year as played is kept in ``history`` (the BCF's first year, for calibration).
        The model was built under those rules; ``rules`` are the game's own, from year 1."""
        years = rules.history_years
        self.round = -years
        for _ in range(years):
            self._user_step()  # Mesa's step counter counts recorded years only
            assert self.last_round is not None
            self.history.append(self.last_round)
        # the game's own rules from year 1: they differ only in rule values (no rebuild)
        self.params = rules
        self.economy = self.economy.with_rules(rules)
        self.counterfactuals = self.counterfactuals.with_rules(rules)
        for book in (self.ledger, self.counterfactuals.twin_ledger):
            book.cumulative = np.zeros_like(book.cumulative)  # results since year 1
        self.last_round = None
        self.scores = np.zeros(self.structure.n)  # no year of the game judged yet
        self._mark_year0()

    def _mark_year0(self) -> None:
        """The state year 1 starts from (trust as the bodies see it, and the year-0 stocks)."""
        self.observation.trust = self.relationships.mean_trust()
        self._year0_trust = (self.observation.trust.copy(), self._mean_trust())

    @property
    def organisations(self) -> list[Organisation]:
        """The organisations as Mesa agents, one per body (row ``index`` of the arrays).

        Made when first asked for: the year runs on the arrays, and registering ~600 agents
        with Mesa costs more than building the rest of the model, which a batch of
        thousands of runs that never reads an agent should not pay.
        """
        if self._organisations is None:
            self._organisations = [Organisation(self, k) for k in range(self.structure.n)]
            # Mesa 3.3.1 keeps every model ever made as a key of Agent._ids (mesa issue
            # #3179, fixed upstream for Python >= 3.12): no agent is added after this.
            mesa.Agent._ids.pop(self, None)
        return self._organisations

    @property
    def latest(self) -> dict[str, float]:
        """The outputs of the last year played (outputs.py), empty before the first."""
        return self._years.latest()

    @property
    def datacollector(self) -> mesa.DataCollector:
        """Mesa's data collector, its ``years`` table holding every year played so far.

        Filled when asked for: the model keeps each year's values (recorder.py) and works
        out the outputs from them for all years at once."""
        table = self._collector.tables["years"]
        done = len(table["round"])
        if done < self._years.rows:
            columns = self._years.outputs(done)
            for k in MODEL_OUTPUTS:
                table[k].extend(columns[k].tolist())
        return self._collector

    @property
    def agents(self) -> mesa.AgentSet:
        """Mesa's set of the model's agents (the organisations, made on first use)."""
        self.organisations  # noqa: B018 - made on first use
        return super().agents

    @property
    def agent_types(self) -> list[type[mesa.Agent]]:
        """Mesa's agent types (the organisations, made on first use)."""
        return list(self.agents_by_type)

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.AgentSet]:
        """Mesa's agents by type (the organisations, made on first use)."""
        self.organisations  # noqa: B018 - made on first use
        by_type: dict[type[mesa.Agent], mesa.AgentSet] = super().agents_by_type
        return by_type

    @classmethod
    def from_scenario(
        cls, name: str, seed: int | None = None, place: str | None = None, **overrides: object
    ) -> STPModel:
        """A model from a named preset (see ``stpgame scenarios``), with overrides.

        ``place``: one real footprint of 2017 by name or E54 code (``stpgame places``), played
        under the preset's rules; its structure is then 'england' (the real footprints).
        """
        if place is not None:
            from stpgame.places import find

            overrides = {"structure": "england", **overrides, "place": find(place).name}
        return cls(seed=seed, scenario=name, **overrides)  # type: ignore[arg-type]

    def _build_economy(self) -> None:
        """The year's arithmetic for the current rules (also after ``change_rules``)."""
        p, s = self.params, self.structure
        gap = structural_gap(p, s, self.budget, self._cost_z)
        stretch = p.control_total_spread * self._stretch_z
        self.economy = Economy(s, self.budget, gap, p, stretch=stretch)
        self.counterfactuals = Counterfactuals(s, self.budget, gap, p, stretch=stretch)

    def change_rules(self, **changes: object) -> None:
        """Change parameters between years without a reset: money, trust and memory carry on.

        The footprints cannot change (``structure``, ``n_footprints``); a changed strategy mix
        re-deals the strategies of that organisation type.
        """
        fixed = [k for k in changes if k in FIXED_IN_GAME]
        if fixed:
            raise ParameterError(
                fixed[0], "unchanged during a game (start a new one)", changes[fixed[0]]
            )
        old, ledger, twin_ledger = self.params, self.ledger, self.counterfactuals.twin_ledger
        self.params = old.replace(**changes)
        self._build_economy()
        self.ledger = ledger.carried_into(self.economy.new_ledger())
        cf = self.counterfactuals
        cf.twin_ledger = twin_ledger.carried_into(self.economy.new_ledger())
        if any(getattr(old, k) != getattr(self.params, k) for k in STRATEGY_PARAMS):
            self.strategy_names = self._assign_strategies()

    # -- the year --------------------------------------------------------------
    def step(self) -> None:
        """Play one financial year (see the module docstring for its phases)."""
        self.round += 1
        levels = self._decide()
        draws, twin_draws = self._draw_year()
        actual, twin = self._play(levels, draws, twin_draws)
        # what each body was free to pool this year: funding only (a council's care money
        # pays for care, not more room)
        free = self.economy.room * self.economy.growth(self.round)[0]
        effective = self._effective_level(actual, free)
        pooled = effective >= 0.5 - 1e-9
        willing = self._relate(actual, levels, pooled)
        partner_share = self._partner_mean(willing.astype(float))
        payoff = appraised_payoff(self.economy, actual)
        self._learn(effective, partner_share, payoff, actual, free)
        self._turnover()
        self.last_round = actual
        if self.round > 0:  # the years before year 1 (``history_years``) are not recorded
            self._record(actual, twin.welfare, pooled, partner_share, payoff, levels)

    def _draw_year(self) -> tuple[YearDraws, YearDraws]:
        p, s = self.params, self.structure
        sigma = p.savings_uncertainty
        shock = self.rng.lognormal(-(sigma**2) / 2, sigma, s.n_footprints)  # mean 1
        cost_shock = p.cost_shock * self.rng.standard_normal(s.n)
        draws = YearDraws(self.round, shock, cost_shock, self.relationships.footprint_trust())
        twin = YearDraws(self.round, shock, cost_shock, self._twin_rel.footprint_trust())
        return draws, twin

    def _decide(self) -> np.ndarray:
        """Each body's intended pooling level: strategy, firefighting, mistakes, humans."""
        obs, p, n = self.observation, self.params, self.structure.n
        obs.trust = self.relationships.mean_trust()
        obs.see_peers(self._peers.sample(self.rng))
        levels = np.zeros(n)
        for name, idx in self._groups:
            levels[idx] = self._strategy_objects[name].decide(obs, idx, self.rng, p)
        if p.firefighting > 0:
            levels[self.rng.random(n) < p.firefighting * self._deficit_depth()] = 0.0
        mistake = self.rng.random(n) < p.noise
        random_level = strategies.LEVELS[self.rng.integers(0, len(strategies.LEVELS), n)]
        levels = np.where(mistake, random_level, levels)
        for k, level in self._pending.items():
            levels[k] = level
        self._pending.clear()
        return levels

    def _play(
        self, levels: np.ndarray, draws: YearDraws, twin_draws: YearDraws
    ) -> tuple[Round, Round]:
        """The year as played (cash), everyone pooling, and each body's appraisal."""
        actual, twin, self.appraisal = self.counterfactuals.play_year(
            levels, draws, twin_draws, self.ledger, self.year_end_rates()
        )
        self.scores = regulatory_score(self.economy, actual)
        return actual, twin

    def _relate(self, actual: Round, levels: np.ndarray, pooled: BoolArray) -> np.ndarray:
        """Trust moves on every link, in the actual world and in the twin."""
        p = self.params
        willing = pooled | (actual.forced & (levels >= 0.5))
        args = (p.trust_gain, p.trust_loss, p.trust_decay, p.cultural_barrier)
        # the Better Care Fund's minimum is joint working between CCGs and councils
        self.relationships.update(willing, *args, bcf=p.bcf_minimum_share > 0)
        self._twin_rel.update(np.ones_like(willing), *args)
        return willing

    def _learn(
        self,
        effective: FloatArray,
        partner_share: FloatArray,
        payoff: FloatArray,
        r: Round,
        free: FloatArray,
    ) -> None:
        """The observations take in the year: own books and level, partners' levels, and the
        finance team's estimate with its error (``finance_estimate``)."""
        obs = self.observation
        experience = obs.experience  # before this year: the estimate was made with it
        e = self.economy
        # its expected result before any voluntary pooling, share of income (a trust's plan
        # includes its grown cost gap)
        plan = -e.gap - e.drift(self.round) * e.is_provider
        against_plan = r.experienced() / r.income - plan
        obs.record(effective, self._partner_mean(effective), partner_share, payoff, against_plan)
        error = self.rng.standard_normal(self.structure.n)
        p = self.params
        obs.see_estimate(
            *finance_estimate(self.appraisal, r.income, free, error, p.estimate_error, experience)
        )

    def _turnover(self) -> None:
        """Some leaders change [004]: partners' trust in them falls to a stranger's level and
        the predecessor's personal stance goes; the books and estimates stay."""
        new_leader = self.rng.random(self.structure.n) < self.params.leadership_turnover
        if new_leader.any():
            self.new_leaders(new_leader)

    def new_leaders(self, which: BoolArray) -> None:
        """New leaders at the bodies ``which`` marks (the yearly turnover, or a workshop's
        "new chief executive") [004]: partners' trust in them falls to a stranger's level and
        the predecessor's personal stance goes; the books and estimates stay."""
        for obj in self._strategy_objects.values():
            obj.new_leader(which)
        self.relationships.reset(which)
        self._twin_rel.reset(which)

    def run(self, rounds: int) -> STPModel:
        """Play ``rounds`` more years and return the model."""
        self._years.reserve(self.round + checks.whole("rounds", rounds))
        for _ in range(rounds):
            self.step()
        return self

    def choose(self, index: int, level: float) -> None:
        """A human player's pooling level (0 = keep everything, 1 = pool all) for next year."""
        k = checks.whole("org_id", index, 0, self.structure.n - 1)
        self._pending[k] = checks.level(level)

    # -- outputs -----------------------------------------------------------------
    def model_dataframe(self, year0: bool = False) -> pd.DataFrame:
        """One row per year: the collective outcomes (see outputs.py). ``year0`` puts the
        state before the first decision first, as round 0 (see ``YEAR0_STOCKS``)."""
        if not self._years.rows and not year0:
            return pd.DataFrame(columns=MODEL_OUTPUTS)
        columns = {k: np.asarray(v, float) for k, v in self._years.outputs().items()}
        columns["round"] = np.arange(1, self._years.rows + 1, dtype=np.int64)
        if year0:
            start = dict.fromkeys(MODEL_OUTPUTS, np.nan) | {
                "round": 0,
                "mean_trust": self._year0_trust[1],
                "cumulative_price_of_fortress": 0.0,
            }
            columns = {
                k: np.concatenate([[start[k]], v]).astype(v.dtype) for k, v in columns.items()
            }
        return pd.DataFrame({k: columns[k] for k in MODEL_OUTPUTS}, copy=False)

    def org_dataframe(self, year0: bool = False) -> pd.DataFrame:
        """One row per organisation per year: the individual outcomes. ``year0`` puts each
        body's state before the first decision first, as round 0 (see ``YEAR0_STOCKS``)."""
        reps = self._years.rows
        if not reps and not year0:
            return pd.DataFrame(columns=ORG_OUTPUTS)
        s = self.structure
        n = s.n
        cols = self._years.orgs.columns()
        first = 1
        if year0:
            start = {k: np.full(n, np.nan) for k in ORG_VALUES}
            start |= {"trust": self._year0_trust[0], "cumulative_balance": np.zeros(n)}
            cols = {k: np.concatenate([v, cols[k]]) if k in cols else v for k, v in start.items()}
            reps, first = reps + 1, 0
        kinds, codes = np.unique(self.strategy_names, return_inverse=True)
        score = cols["score"]
        ratings = np.where(np.isnan(score), -1, regulation.rating(score))  # -1: none in year 0
        columns = {
            "round": np.repeat(np.arange(first, first + reps), n),
            "org_id": np.tile(np.arange(n), reps),
            "org_type": _categorical(np.tile(s.org_type, reps), ORG_TYPES),
            "footprint": _categorical(np.tile(s.footprint, reps), s.footprint_names),
            "strategy": _categorical(np.tile(codes, reps), tuple(kinds)),
            **cols,
            "rating": _categorical(ratings, regulation.RATINGS),
        }
        names = list(ORG_OUTPUTS)
        if s.org_names is not None:  # real places: each body's name and code, its footprint's
            place = place_columns(s, reps)
            columns |= place
            names += place
        return pd.DataFrame({k: columns[k] for k in names}, copy=False)

    def footprint_trust(self) -> np.ndarray:
        """Mean trust on the links inside each footprint, now."""
        return self.relationships.footprint_trust()

    def pooling_returns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per organisation, for next year: what a pound pooled rather than kept returns to
        its own result and to its footprint's welfare (£ per £), if every other body repeats
        its last move and shocks are at their means.

        Computed by replaying the year with each body's move flipped (counterfactuals.py), so
        every rule in force counts; bodies with nothing free to pool get NaN.
        """
        s = self.structure
        draws = YearDraws(
            self.round + 1, np.ones(s.n_footprints), np.zeros(s.n), self.footprint_trust()
        )
        moved = self.round or self.history  # a year played, recorded or before year 1
        last = self.observation.own_level if moved else np.zeros(s.n)
        return self.counterfactuals.appraise(
            last, draws, year_end_rates=self.year_end_rates()
        ).returns()

    def year_end_rates(self) -> tuple[float, float]:
        """The last published year-end rates of unearned sustainability money paid out again
        (£ per £ beyond a control total, £ per £ of allocation for meeting it); before any
        year has ended, the rule as announced: £1 for £1, no bonus (``Economy.play``)."""
        if self.last_round is None:
            return (1.0, 0.0)
        incentive, bonus = self.last_round.year_end_rates
        return (float(incentive), float(bonus))

    def network(self, footprint: int | str | None = None) -> nx.Graph:
        """The relationship network (networkx) with current ``trust`` on each edge.

        ``footprint`` (index or name) keeps only that footprint's organisations.
        """
        if footprint is None:
            return _named(self.relationships.graph_with_trust(), self.structure)
        names = self.structure.footprint_names
        if isinstance(footprint, str):
            if footprint not in names:
                raise ParameterError("footprint", "one of " + ", ".join(names), footprint)
            footprint = names.index(footprint)
        index = checks.whole("footprint", footprint, 0, len(names) - 1)
        members = np.flatnonzero(self.structure.footprint == index)
        return _named(self.relationships.graph_with_trust(members), self.structure)

    # -- internals -------------------------------------------------------------------
    def _assign_strategies(self) -> np.ndarray:
        """Give each organisation a strategy from its type's mix, in exact proportions."""
        s, names = self.structure, list[str]()
        code = np.empty(s.n, int)
        for t, key in zip(range(len(ORG_TYPES)), STRATEGY_PARAMS, strict=True):
            members = np.flatnonzero(s.org_type == t)
            items = strategies.mix_items(getattr(self.params, key))
            quota = np.array([w for _, w in items]) * len(members)
            counts = np.floor(quota).astype(int)
            order = np.argsort(-(quota - counts), kind="stable")
            counts[order[: len(members) - counts.sum()]] += 1
            # codes into ``names``, shuffled: the same draws as shuffling the names
            code[members] = len(names) + self.rng.permutation(
                np.repeat(np.arange(len(items)), counts)
            )
            names += [nm for nm, _ in items]
        # the names in use, sorted, and each body's index into them
        used, name_of = np.unique(np.array(names, dtype=str), return_inverse=True)
        which = name_of[code] if s.n else np.zeros(0, int)
        present = np.unique(which)
        self._strategy_objects = {str(used[k]): strategies.get(str(used[k]), s.n) for k in present}
        self._groups = [(str(used[k]), np.flatnonzero(which == k)) for k in present]
        return used[which] if s.n else np.array([], dtype=str)

    def _mean_trust(self) -> float:
        trust = self.relationships.trust  # as trust.mean(), without its overhead
        return float(np.add.reduce(trust)) / len(trust) if len(trust) else 0.0

    def _deficit_depth(self) -> np.ndarray:
        """Last year's deficit as a share of budget, relative to the 2015/16 provider
        deficit of 3.2% (£2.45bn on £76bn, calibration §2), capped at 1."""
        deficit = np.maximum(0.0, -self.ledger.last_balance) / self.budget
        depth: FloatArray = np.minimum(1.0, deficit / 0.032)
        return depth

    def _effective_level(self, r: Round, free: FloatArray) -> FloatArray:
        """The share of what each body was free to pool (``free``, £m) that it put in (a
        council may afford less than it meant). A body with nothing free pooled nothing."""
        level: FloatArray = _effective_levels(free, r.contribution)
        return level

    def _partner_mean(self, values: FloatArray) -> FloatArray:
        """Per body, the mean of ``values`` over its footprint partners (the others)."""
        mean: FloatArray = _partner_means(values, self._fp_index, self._fp_size)
        return mean

    def _record(
        self,
        r: Round,
        ideal: float,
        pooled: BoolArray,
        partner_share: FloatArray,
        payoff: FloatArray,
        levels: FloatArray,
    ) -> None:
        """Keep the year's values; its outputs are worked out from them when read
        (recorder.py; names, units and meanings in outputs.py)."""
        e, p = self.economy, self.params
        money = e.growth(self.round)[0]
        self._years.add(
            {
                "pooled": pooled,
                "level": levels,
                "contribution": r.contribution,
                "savings": r.savings,
                "cut": r.cut,
                "penalty": r.penalty,
                "bailout": r.bailout,
                "central_money": r.central,
                "balance": r.balance,
                "cumulative_balance": self.ledger.cumulative,
                "score": self.scores,
                "payoff": payoff,
                "sucker": pooled & (partner_share < 0.5),
                "forced_cut": r.forced,
                "trust": self.observation.trust,
            },
            {
                "admissions": r.admissions,
                "delayed_days": r.delayed_days,
                "outcome_index": r.outcome_index,
            },
            {
                "welfare": r.welfare,
                "ideal": ideal,
                "free": max(float(e.discretionary.sum()) * money, 1e-12),
                "bcf_minimum": float(e.bcf_minimum.sum()) * money,
                "debt": float(self.ledger.debt.sum()),
                "interest": float(r.interest.sum()),
                "mean_trust": self._mean_trust(),
                "totals_met": float(share_of(r.totals_met, len(r.totals_met))),
                # flows no rule in force moves are zero
                "incentives": float(r.incentive.sum()) if p.incentive_fund else 0.0,
                "gain_shared": float(np.maximum(r.gain_shared, 0.0).sum()) if p.gain_share else 0.0,
                "transformation_money": float(r.transformation.sum())
                if p.transformation_fund
                else 0.0,
            },
        )


@kernel
def _effective_levels(free: FloatArray, contribution: FloatArray) -> FloatArray:
    """Per body: what it pooled as a share of its room to pool this year, ``free`` (0 where
    it had no room)."""
    level = np.empty(len(free))
    for k in range(len(free)):
        level[k] = contribution[k] / free[k] if free[k] > 0 else 0.0
    return level


@kernel
def _partner_means(values: FloatArray, footprint: np.ndarray, size: IntArray) -> FloatArray:
    """Per body: the mean of ``values`` over the other members of its footprint."""
    total = np.zeros(len(size))
    for k in range(len(values)):
        total[footprint[k]] += values[k]
    mean = np.zeros(len(values))
    for k in range(len(values)):
        partners = size[footprint[k]] - 1
        if partners > 0:
            mean[k] = (total[footprint[k]] - values[k]) / partners
    return mean


def finance_estimate(
    appraisal: Appraisal,
    income: FloatArray,
    free: FloatArray,
    error: FloatArray,
    error_sd: float,
    experience: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Each body's finance-team estimate of last year: the gain (share of income) of pooling
    everything free (``free``, £m) rather than nothing, and what that puts at stake (share of
    income).

    The replays behind ``appraisal`` ran at expected savings and costs, with partners as
    they moved, under the published rules (counterfactuals.py): the return per pound is the
    judged gain between the level played and the other extreme over the money it moved.
    The team's error on that return is ``error x error_sd / sqrt(1 + experience)`` (£ per
    £): it shrinks as the body gains experience of pooling. A body whose flip moved no money
    has no return to estimate (0).
    """
    moved = np.abs(appraisal.moved)
    span = moved > 1e-12
    per_pound = np.where(span, appraisal.pool_gain * income / np.where(span, moved, 1.0), 0.0)
    noise = error * error_sd / np.sqrt(1.0 + experience)
    stake = free / income
    estimate: FloatArray = np.where(span, (per_pound + noise) * stake, 0.0)
    return estimate, stake


def _named(graph: nx.Graph, s: Structure) -> nx.Graph:
    """A real place's network carries each body's ``name`` and ``code`` on its node."""
    if s.org_names is not None and s.org_codes is not None:
        for node in graph.nodes:
            graph.nodes[node]["name"] = s.org_names[node]
            graph.nodes[node]["code"] = s.org_codes[node]
    return graph


def place_columns(s: Structure, reps: int) -> dict[str, pd.Categorical]:
    """For a real place (stpgame.places): ``org_name``, ``org_code`` (ONS code for CCGs and
    councils, ODS code for trusts) and ``footprint_code`` (E54), repeated for ``reps`` years
    (``PLACE_OUTPUTS``, described in outputs.py)."""
    assert s.org_names is not None and s.org_codes is not None and s.footprint_codes is not None
    rows = np.tile(np.arange(s.n), reps)
    return {
        "org_name": _categorical(rows, s.org_names),
        "org_code": _categorical(rows, s.org_codes),
        "footprint_code": _categorical(np.tile(s.footprint, reps), s.footprint_codes),
    }


@lru_cache(maxsize=64)
def _category_type(names: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(names))


def _categorical(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    """A column of names from codes the model made itself (-1: none), so not re-checked."""
    return pd.Categorical.from_codes(codes, dtype=_category_type(names), validate=False)


@lru_cache(maxsize=32)
def _peer_sampler(structure: Structure) -> _PeerSampler:
    """The peer sampler of a structure (it keeps no state: structures are shared)."""
    return _PeerSampler(structure.footprint, structure.org_type)


class _PeerSampler:
    """Draws, for every organisation, one peer: a footprint partner or a same-type body anywhere."""

    def __init__(self, footprint: np.ndarray, org_type: np.ndarray):
        self.n = len(footprint)
        self.fp = self._index(footprint)
        self.type = self._index(org_type)

    def _index(self, group: np.ndarray) -> tuple[np.ndarray, np.ndarray, FloatArray, np.ndarray]:
        """Per body: its group's members in order, where they start, how many others
        there are to draw from (at least 1) and the last member (drawn in place of itself)."""
        order = np.argsort(group, kind="stable")
        size = np.bincount(group)
        start = np.concatenate([[0], np.cumsum(size)[:-1]])[group]
        size = size[group]
        last = order[start + size - 1]
        return index(order), index(start), np.maximum(size - 1, 1).astype(float), index(last)

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        """A partner drawn in the footprint, a body of the same type drawn anywhere, and a
        coin between them (three draws of ``rng``, in that order)."""
        local, anywhere, coin = rng.random(self.n), rng.random(self.n), rng.random(self.n)
        return _draw_peers(local, anywhere, coin, *self.fp, *self.type)


@kernel
def _draw_peers(
    local: FloatArray,
    anywhere: FloatArray,
    coin: FloatArray,
    fp_order: np.ndarray,
    fp_start: np.ndarray,
    fp_span: FloatArray,
    fp_last: np.ndarray,
    type_order: np.ndarray,
    type_start: np.ndarray,
    type_span: FloatArray,
    type_last: np.ndarray,
) -> IntArray:
    """Each body's peer from uniform draws: the ``u * span``-th other member of its group
    (itself replaced by the group's last member), the footprint's if the coin is below 0.5."""
    peers = np.empty(len(local), np.int64)
    for body in range(len(local)):
        if coin[body] < 0.5:
            pick = fp_order[fp_start[body] + int(local[body] * fp_span[body])]
            peers[body] = fp_last[body] if pick == body else pick
        else:
            pick = type_order[type_start[body] + int(anywhere[body] * type_span[body])]
            peers[body] = type_last[body] if pick == body else pick
    return peers
