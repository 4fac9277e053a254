"""The symmetric 2x2 stage game: its type, equilibria, Pareto optima and the
continuation probability repeated play needs to sustain cooperation.

A game is given by four payoffs to the row player ("A"), in the usual
notation (Rapoport & Chammah 1965; Axelrod 1984):

- R, the *reward* when both cooperate (both pool),
- S, the *sucker's* payoff for cooperating against a defector,
- T, the *temptation* to defect against a cooperator,
- P, the *punishment* when both defect (both withhold).

The column player ("B") gets the mirror image. Solved directly (a 2x2 game is
small); ``tests/test_analysis_stage_game.py`` cross-checks the equilibria
against nashpy. This module imports only the standard library so the app can
load it without Mesa or pandas.
"""

from __future__ import annotations

import math
import numbers
import textwrap
from dataclasses import asdict, dataclass, field

from stpgame.core.params import ParameterError

KINDS = ("prisoner's dilemma", "stag hunt", "chicken", "harmony", "deadlock", "other")

# (A cooperates, B cooperates) -> outcome label, as used in ``pareto_optimal``.
OUTCOMES = {
    (True, True): "both pool",
    (False, False): "both withhold",
    (True, False): "A pools, B withholds",
    (False, True): "A withholds, B pools",
}

AXELROD_PAYOFFS = (3.0, 0.0, 5.0, 1.0)
"""(R, S, T, P) of Axelrod's tournaments (Axelrod 1980, 1984)."""


@dataclass(frozen=True)
class StageGame:
    """A symmetric 2x2 game: payoffs R, S, T, P to the row player (finite numbers)."""

    R: float
    S: float
    T: float
    P: float

    def __post_init__(self) -> None:
        for name in ("R", "S", "T", "P"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ParameterError(name, "a finite number", value, "payoff is not a number")
            if not math.isfinite(float(value)):
                raise ParameterError(name, "a finite number", value, "payoff must be finite")
            object.__setattr__(self, name, float(value))

    @classmethod
    def parse(cls, text: str, name: str = "payoffs") -> StageGame:
        """``"3,0,5,1"`` -> StageGame(R=3, S=0, T=5, P=1); bad text raises ParameterError."""
        allowed = "four finite numbers R,S,T,P separated by commas, e.g. 3,0,5,1"
        parts = str(text).split(",")
        if len(parts) != 4:
            raise ParameterError(name, allowed, text, f"{len(parts)} values given")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ParameterError(name, allowed, text, "not all are numbers") from None
        if not all(math.isfinite(v) for v in values):
            raise ParameterError(name, allowed, text, "payoffs must be finite")
        return cls(*values)

    def as_tuple(self) -> tuple[float, float, float, float]:
        """The payoffs in the conventional order (R, S, T, P)."""
        return (self.R, self.S, self.T, self.P)

    def payoff(self, a_pools: bool, b_pools: bool) -> float:
        """A's payoff for one round."""
        if a_pools:
            return self.R if b_pools else self.S
        return self.T if b_pools else self.P

    def expected(self, p_a: float, p_b: float) -> float:
        """A's expected payoff when A pools with probability p_a and B with p_b."""
        return (
            p_a * p_b * self.R
            + p_a * (1 - p_b) * self.S
            + (1 - p_a) * p_b * self.T
            + (1 - p_a) * (1 - p_b) * self.P
        )


@dataclass(frozen=True)
class Equilibrium:
    """A Nash equilibrium: each player's probability of pooling and expected payoffs."""

    p_a: float
    p_b: float
    payoff_a: float
    payoff_b: float
    kind: str  # "pure" or "mixed"
    label: str

    @property
    def total(self) -> float:
        """Both players' expected payoffs added together."""
        return self.payoff_a + self.payoff_b


@dataclass
class GameAnalysis:
    """Everything ``analyse_game`` finds; ``to_dict()`` is JSON-safe."""

    game: StageGame
    kind: str
    equilibria: list[Equilibrium]
    pareto_optimal: list[str]
    grim_threshold: float | None
    tft_threshold: float | None
    price_of_anarchy: float | None
    welfare_gap: float
    dominant: str | None  # "pool", "withhold" or None (no strictly dominant move)
    degenerate: bool  # ties make a continuum of equilibria (only the listed ones are shown)
    explanation: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The analysis as JSON-safe data (the payoffs keyed R, S, T, P)."""
        out = asdict(self)
        out["game"] = dict(zip("RSTP", self.game.as_tuple(), strict=True))
        out["equilibria"] = [{**asdict(e), "total": e.total} for e in self.equilibria]
        return out

    def report(self, width: int = 88) -> str:
        """The analysis as text: payoffs, type, equilibria, thresholds, notes, explanation."""
        R, S, T, P = self.game.as_tuple()
        equilibria = "; ".join(
            f"{e.label} (payoffs {e.payoff_a:.3g}, {e.payoff_b:.3g})" for e in self.equilibria
        )
        lines = [
            f"Payoffs: R = {R:.4g}  S = {S:.4g}  T = {T:.4g}  P = {P:.4g}",
            f"Type: {self.kind}",
            f"Equilibria: {equilibria}",
            "Pareto-optimal: " + "; ".join(self.pareto_optimal),
            "Cooperation threshold (continuation probability): "
            f"grim trigger {_or_na(self.grim_threshold)}, tit for tat {_or_na(self.tft_threshold)}",
            f"Price of anarchy: {_or_na(self.price_of_anarchy)} (welfare gap {self.welfare_gap:.3g})",
        ]
        lines += [f"Note: {n}" for n in self.notes]
        lines.append("")
        lines += textwrap.wrap(self.explanation, width)
        return "\n".join(lines)


# -- the pieces -----------------------------------------------------------------------
def classify(game: StageGame) -> str:
    """The game's type from the order of its payoffs.

    Prisoner's dilemma T > R > P > S (Rapoport & Chammah 1965); stag hunt
    R > T >= P > S (Skyrms 2004); chicken/snowdrift T > R > S > P (Rapoport &
    Chammah 1966); harmony R > T and S > P; deadlock T > P > R > S
    (Robinson & Goforth 2005, *The Topology of the 2x2 Games*); else "other".
    """
    R, S, T, P = game.as_tuple()
    if T > R > P > S:
        return "prisoner's dilemma"
    if R > T >= P > S:
        return "stag hunt"
    if T > R > S > P:
        return "chicken"
    if R > T and S > P:
        return "harmony"
    if T > P > R > S:
        return "deadlock"
    return "other"


def dominant_move(game: StageGame) -> str | None:
    """The strictly dominant move, if any: "pool" (R > T, S > P) or "withhold" (T > R, P > S)."""
    R, S, T, P = game.as_tuple()
    if R > T and S > P:
        return "pool"
    if T > R and P > S:
        return "withhold"
    return None


def equilibria(game: StageGame) -> list[Equilibrium]:
    """Nash equilibria: the pure profiles where each move is a best reply, then the
    interior mixed one when it exists.

    A pools with probability p; B is indifferent between its moves when
    p (R - T) + (1 - p)(S - P) = 0, i.e. p = (P - S) / ((R - T) + (P - S)),
    an equilibrium when 0 < p < 1 (Nash 1951; any game theory text, e.g.
    Osborne 2004 ch. 4). By symmetry both players use the same p.
    """
    out: list[Equilibrium] = []
    for a, b in OUTCOMES:
        best_a = game.payoff(a, b) >= game.payoff(not a, b)
        best_b = game.payoff(b, a) >= game.payoff(not b, a)
        if best_a and best_b:
            pa, pb = float(a), float(b)
            out.append(
                Equilibrium(
                    pa, pb, game.expected(pa, pb), game.expected(pb, pa), "pure", OUTCOMES[a, b]
                )
            )
    gain_vs_pool, gain_vs_withhold = game.R - game.T, game.S - game.P
    if gain_vs_pool * gain_vs_withhold < 0:
        p = gain_vs_withhold / (gain_vs_withhold - gain_vs_pool)
        v = game.expected(p, p)
        out.append(Equilibrium(p, p, v, v, "mixed", f"each pools with probability {p:.3g}"))
    return out


def pareto_optimal(game: StageGame) -> list[str]:
    """Outcomes (pure profiles) no other outcome improves for one player without hurting the other."""
    pay = {o: (game.payoff(*o), game.payoff(o[1], o[0])) for o in OUTCOMES}

    def dominated(x: tuple[float, float]) -> bool:
        return any(y[0] >= x[0] and y[1] >= x[1] and y != x for y in pay.values())

    return [OUTCOMES[o] for o, x in pay.items() if not dominated(x)]


def grim_threshold(game: StageGame) -> float | None:
    """Lowest continuation probability at which grim trigger sustains mutual cooperation.

    Cooperating for ever is worth R / (1 - d); defecting once earns T and then
    the best reply to permanent defection, max(P, S), so grim deters defection
    when d >= (T - R) / (T - max(P, S)). In a prisoner's dilemma (P > S) this
    is the folk-theorem threshold (T - R) / (T - P) (Friedman 1971, Rev Econ
    Stud 38:1). 0 when defecting never tempts (T <= R); None when no d < 1
    suffices (R <= max(P, S)).
    """
    R, S, T, P = game.as_tuple()
    if T <= R:
        return 0.0
    if max(P, S) >= R:
        return None
    return (T - R) / (T - max(P, S))


def tft_threshold(game: StageGame) -> float | None:
    """Lowest continuation probability at which tit for tat is collectively stable.

    Axelrod (1984) *The Evolution of Cooperation*, Proposition 2 (and Axelrod
    & Hamilton 1981, Science 211:1390): no rule invades TFT iff
    w >= max((T - R)/(T - P), (T - R)/(R - S)) -- the first term guards against
    always defecting, the second against alternating defection and
    cooperation. 0 when T <= R; None when no w < 1 suffices.
    """
    R, S, T, P = game.as_tuple()
    if T <= R:
        return 0.0
    if R <= P or R <= S:
        return None
    w = max((T - R) / (T - P), (T - R) / (R - S))
    return w if w < 1 else None


def gtft_generosity(game: StageGame) -> float | None:
    """Best forgiveness of generous tit for tat in a prisoner's dilemma:
    min(1 - (T - R)/(R - S), (R - P)/(T - P)) (Nowak & Sigmund 1992, Nature 355:250);
    1/3 for Axelrod's payoffs. None when the game is not a prisoner's dilemma."""
    if classify(game) != "prisoner's dilemma":
        return None
    R, S, T, P = game.as_tuple()
    return max(0.0, min(1 - (T - R) / (R - S), (R - P) / (T - P)))


def price_of_anarchy(best: float, worst: float) -> float | None:
    """Best total payoff over the worst equilibrium's total (Koutsoupias &
    Papadimitriou 1999), >= 1.

    A ratio only means something when both totals have the same sign: for
    gains it is best / worst, for losses (both negative) worst / best (how many
    times larger the equilibrium loss is). 1 when they are equal. None when the
    worst equilibrium total is zero or of the other sign (the equilibrium gives
    up all of the gain, so the ratio is unbounded): use ``welfare_gap`` then.
    """
    if best == worst:
        return 1.0
    if best > 0 and worst > 0:
        return best / worst
    if best < 0 and worst < 0:
        return worst / best
    return None


def analyse_game(game: StageGame | tuple | list) -> GameAnalysis:
    """Type, equilibria, Pareto optima, thresholds, price of anarchy and a plain explanation."""
    if not isinstance(game, StageGame):
        if isinstance(game, tuple | list) and len(game) == 4:
            game = StageGame(*game)
        else:
            raise ParameterError("game", "a StageGame or four numbers (R, S, T, P)", game)
    eqs = equilibria(game)
    best = max(2 * game.R, 2 * game.P, game.S + game.T)
    worst = min(e.total for e in eqs)
    gain_vs_pool, gain_vs_withhold = game.R - game.T, game.S - game.P
    analysis = GameAnalysis(
        game=game,
        kind=classify(game),
        equilibria=eqs,
        pareto_optimal=pareto_optimal(game),
        grim_threshold=grim_threshold(game),
        tft_threshold=tft_threshold(game),
        price_of_anarchy=price_of_anarchy(best, worst),
        welfare_gap=best - worst,
        dominant=dominant_move(game),
        degenerate=gain_vs_pool == 0 or gain_vs_withhold == 0,
    )
    if analysis.degenerate:
        analysis.notes.append(
            "ties between payoffs make a whole range of equilibria; only the pure ones are listed"
        )
    if analysis.kind == "prisoner's dilemma" and 2 * game.R <= game.S + game.T:
        analysis.notes.append(
            "2R <= S + T: taking turns to exploit each other pays as well as both pooling"
        )
    analysis.explanation = explain(analysis)
    return analysis


# -- plain English --------------------------------------------------------------------
def _n(x: float) -> str:
    return f"{x:.3g}"


def _or_na(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3g}"


def _equilibrium_text(eqs: list[Equilibrium]) -> str:
    names = [e.label for e in eqs]
    if len(names) == 1:
        return f"The only equilibrium is: {names[0]}."
    return "The equilibria are: " + "; ".join(names) + "."


def _threshold_text(a: GameAnalysis) -> str:
    g, t = a.grim_threshold, a.tft_threshold
    if g is None:
        return " Repeating the game cannot sustain pooling: both withholding pays at least as well."
    if g == 0:
        return ""
    text = (
        f" If the two meet again next round with probability at least {g:.2f}, the threat of "
        f"never pooling again (grim trigger) makes pooling worth it"
    )
    if t is None:
        return text + "; tit for tat cannot sustain it at any probability."
    return text + f"; tit for tat needs at least {t:.2f}."


def explain(a: GameAnalysis) -> str:
    """A few sentences a student can follow, with the game's own numbers."""
    R, S, T, P = a.game.as_tuple()
    pay = f"(R={_n(R)}, S={_n(S)}, T={_n(T)}, P={_n(P)})"
    if a.kind == "prisoner's dilemma":
        text = (
            f"This is a prisoner's dilemma {pay}: each body does better by withholding whatever "
            f"the other does (T={_n(T)} > R={_n(R)} if the other pools, P={_n(P)} > S={_n(S)} if "
            f"it withholds), but both do worse when both withhold ({_n(P)} each) than if both "
            f"pooled ({_n(R)} each). "
        )
    elif a.kind == "stag hunt":
        text = (
            f"This is a stag hunt {pay}: pooling is best if the other pools "
            f"(R={_n(R)} > T={_n(T)}), but withholding is safer if it might not "
            f"(P={_n(P)} > S={_n(S)}). The problem is trust, not temptation. "
        )
    elif a.kind == "chicken":
        text = (
            f"This is a game of chicken (snowdrift) {pay}: each body would rather the other "
            f"pooled alone (T={_n(T)} > R={_n(R)}), but pooling alone still beats both "
            f"withholding (S={_n(S)} > P={_n(P)}). "
        )
    elif a.kind == "harmony":
        text = (
            f"This is a harmony game {pay}: pooling is best whatever the other does "
            f"(R={_n(R)} > T={_n(T)}, S={_n(S)} > P={_n(P)}), so there is no dilemma. "
        )
    elif a.kind == "deadlock":
        text = (
            f"This is deadlock {pay}: both bodies prefer both withholding ({_n(P)}) to both "
            f"pooling ({_n(R)}); pooling is not worth it here. "
        )
    else:
        move = {"pool": "pooling", "withhold": "withholding"}.get(a.dominant or "")
        lead = f"{move} is best whatever the other does. " if move else ""
        text = f"This game {pay} is none of the classic dilemmas. {lead.capitalize()}"
    text += _equilibrium_text(a.equilibria)
    if a.kind in ("prisoner's dilemma", "stag hunt", "chicken", "other"):
        text += (
            " Outcomes that cannot be improved for one body without hurting the other "
            "(Pareto-optimal): " + "; ".join(a.pareto_optimal) + "."
        )
        if not any(e.kind == "pure" and e.label in a.pareto_optimal for e in a.equilibria):
            text += " No equilibrium is among them: that is the dilemma."
    if a.kind in ("prisoner's dilemma", "chicken", "other"):
        text += _threshold_text(a)
    return text
