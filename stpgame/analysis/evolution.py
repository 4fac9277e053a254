"""How the mix of strategies changes over generations.

Three dynamics, each returning a DataFrame with a ``generation`` column (0 =
the starting mix) and one column per strategy holding its share:

- ``replicator``: the replicator equation on a tournament's payoff matrix
  (Taylor & Jonker 1978, Math Biosci 40:145; Hofbauer & Sigmund 1998). A
  generation is one step of *proportional imitation* (Schlag 1998, J Econ
  Theory 78:130): x_i <- x_i + rate x_i (f_i - f_mean) / spread, where spread
  is the range of the matrix. Its expected motion is the replicator equation
  (time scaled by rate / spread); shares stay in [0, 1] and add up to 1.
- ``moran``: a frequency-dependent Moran process in a finite population
  (Nowak, Sasaki, Taylor & Fudenberg 2004, Nature 428:646): each step one
  individual, chosen with probability proportional to its fitness
  exp(selection x mean payoff against the others) (Traulsen, Shoresh & Nowak
  2008, Bull Math Biol 70:1410), has an offspring that replaces one chosen at
  random; with probability ``mutation`` the offspring takes a random
  strategy. A generation is ``population`` steps.
- ``stp_imitation``: inside the STP game. Each generation runs the model for
  ``rounds`` years with the current mix for the chosen organisation types
  (others keep the scenario's mix) and moves the shares by the same
  proportional-imitation step, with each strategy's fitness the mean payoff
  of the bodies playing it (spread: the range of those payoffs) -- bodies copy
  better-performing peers, "peer support" [004].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stpgame.analysis.inputs import check_count, check_positive, check_probability
from stpgame.analysis.tournament import check_org_types, seeds_for
from stpgame.core.params import ORG_TYPES, ParameterError, check_seed

MAX_GENERATIONS = 100_000


def imitation_step(shares: np.ndarray, fitness: np.ndarray, rate: float, spread: float):
    """One proportional-imitation step (Schlag 1998); unchanged when payoffs are all equal."""
    if spread <= 0:
        return shares.copy()
    mean = float(shares @ fitness)
    new = shares + rate * shares * (fitness - mean) / spread
    new = np.clip(new, 0.0, None)
    return new / new.sum()


def _frame(names: list[str], history: list[np.ndarray]) -> pd.DataFrame:
    df = pd.DataFrame(np.array(history), columns=names)
    df.insert(0, "generation", np.arange(len(history)))
    return df


def _check_matrix(matrix) -> tuple[list[str], np.ndarray]:
    if isinstance(matrix, pd.DataFrame):
        names, values = [str(c) for c in matrix.columns], matrix.to_numpy(float)
        if list(matrix.index) != list(matrix.columns):
            raise ParameterError("matrix", "rows and columns naming the same strategies", matrix)
    else:
        values = np.asarray(matrix, float)
        names = [f"s{k}" for k in range(len(values))]
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] < 1:
        raise ParameterError("matrix", "a square payoff matrix", values.shape)
    if not np.isfinite(values).all():
        raise ParameterError("matrix", "finite payoffs (play with self_play=True)", "NaN or inf")
    return names, values


def _check_initial(initial, k: int) -> np.ndarray:
    if initial is None:
        return np.full(k, 1.0 / k)
    x = np.asarray(initial, float)
    if x.shape != (k,) or not np.isfinite(x).all() or (x < 0).any() or x.sum() <= 0:
        raise ParameterError("initial", f"{k} shares >= 0 with a positive sum", initial)
    return x / x.sum()


def replicator(matrix, generations: int = 100, *, initial=None, rate: float = 1.0):
    """Shares per generation under the replicator dynamics on ``matrix``
    (e.g. ``round_robin(...).matrix``: row's mean score per turn against column)."""
    names, a = _check_matrix(matrix)
    generations = check_count(generations, "generations", MAX_GENERATIONS)
    rate = check_probability(rate, "rate")
    x = _check_initial(initial, len(names))
    spread = float(a.max() - a.min())
    history = [x]
    for _ in range(generations):
        x = imitation_step(x, a @ x, rate, spread)
        history.append(x)
    return _frame(names, history)


def _counts(shares: np.ndarray, population: int) -> np.ndarray:
    """Whole numbers in proportion to ``shares`` adding up to ``population`` (largest remainder)."""
    quota = shares * population
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: population - counts.sum()]] += 1
    return counts


def moran(
    matrix,
    generations: int = 100,
    *,
    population: int = 100,
    selection: float = 1.0,
    mutation: float = 0.0,
    initial=None,
    seed: int | None = None,
):
    """Shares per generation in a seeded Moran process on ``matrix``."""
    names, a = _check_matrix(matrix)
    generations = check_count(generations, "generations", MAX_GENERATIONS)
    population = check_count(population, "population", 100_000, low=2)
    selection = check_positive(selection, "selection", 100.0)
    mutation = check_probability(mutation, "mutation")
    n = _counts(_check_initial(initial, len(names)), population)
    rng = np.random.default_rng(check_seed(seed))
    k = len(names)
    history = [n / population]
    for _ in range(generations):
        if mutation == 0 and (n == population).any():  # fixed: nothing can change any more
            history.append(n / population)
            continue
        for _ in range(population):
            payoff = (a @ n - np.diag(a)) / (population - 1)  # against the others
            weight = n * np.exp(selection * (payoff - payoff.max()))
            cum = np.cumsum(weight)
            parent = min(int(np.searchsorted(cum, rng.random() * cum[-1], side="right")), k - 1)
            if mutation > 0 and rng.random() < mutation:
                parent = int(rng.integers(k))
            dead = int(np.searchsorted(np.cumsum(n), rng.integers(population), side="right"))
            n[dead] -= 1
            n[parent] += 1
        history.append(n / population)
    return _frame(names, history)


def _mix_text(names: list[str], shares: np.ndarray) -> str:
    return ",".join(f"{nm}:{x:.12g}" for nm, x in zip(names, shares, strict=True) if x > 0)


def stp_imitation(
    players: list[str],
    scenario: str = "fortress",
    generations: int = 20,
    *,
    rounds: int = 10,
    org_types=ORG_TYPES,
    rate: float = 1.0,
    initial=None,
    seed: int | None = None,
    overrides: dict | None = None,
):
    """Shares per generation when bodies of ``org_types`` imitate better-paid strategies.

    A strategy too rare to be given any body in a generation keeps its share
    (its payoff is unknown that generation); an extinct one stays extinct.
    """
    from stpgame.analysis.inputs import check_strategies
    from stpgame.core.model import STPModel

    names = check_strategies(players, "strategies")
    generations = check_count(generations, "generations", 10_000)
    rounds = check_count(rounds, "rounds", 1000)
    types = check_org_types(org_types)
    rate = check_probability(rate, "rate")
    x = _check_initial(initial, len(names))
    overrides = dict(overrides or {})
    STPModel.from_scenario(scenario, seed=0, **overrides)  # checks scenario and overrides first
    seeds = seeds_for(check_seed(seed), generations)
    history = [x]
    for gen in range(generations):
        mix = _mix_text(names, x)
        model = STPModel.from_scenario(
            scenario, seed=seeds[gen], **{**overrides, **{f"strategy_{t}": mix for t in types}}
        ).run(rounds)
        orgs = model.org_dataframe()
        focal = orgs[orgs["org_type"].isin(types)]
        mean = focal.groupby("strategy", observed=True)["payoff"].mean()
        seen = np.array([nm in mean.index for nm in names])
        fitness = np.array([float(mean.get(nm, np.nan)) for nm in names])
        if seen.any():
            fitness[~seen] = float(x[seen] @ fitness[seen]) / max(float(x[seen].sum()), 1e-300)
            spread = float(fitness[seen].max() - fitness[seen].min())
            x = imitation_step(x, fitness, rate, spread)
        history.append(x)
    return _frame(names, history)


def report(shares: pd.DataFrame, what: str, rows: int = 11) -> str:
    """Shares by generation as text: ``rows`` generations evenly spread, short column names,
    and the strategy with the largest share at the end. ``what`` names the dynamics."""
    players = [c for c in shares.columns if c != "generation"]
    last = len(shares) - 1
    show = sorted({round(k * last / (rows - 1)) for k in range(rows)})
    table = shares.iloc[show].rename(columns=_short)
    final = shares.iloc[-1].drop("generation")
    return "\n".join(
        [
            f"Strategy shares by generation: {what}",
            table.to_string(index=False, float_format=lambda x: f"{x:.3f}"),
            "  (" + ", ".join(f"{_short(nm)} = {nm}" for nm in players) + ")",
            f"Largest share at generation {last}: {final.idxmax()} ({final.max():.3f})",
        ]
    )


def _short(name: str) -> str:
    """Column headers that fit a terminal: 'win_stay_lose_shift' -> 'wsls'."""
    if name == "generation":
        return "gen"
    parts = name.split("_")
    return "".join(p[0] for p in parts) if len(parts) > 1 else name
