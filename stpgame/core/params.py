"""Every model parameter in one table: name, type, unit, allowed range, default, source.

Validation lives here and nowhere else, so the Python API, the command line,
scenario files and the browser all give the same message for the same mistake:
the parameter, what is allowed, and the value given.

Sources: seed articles are cited as [000]..[004] (``shared/seeds``); figures
marked "calibration" come from ``shared/calibration.md`` (section in brackets).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

from stpgame.errors import ParameterError

ORG_TYPES = ("acute", "community", "ccg", "council")
"""Organisation types, in the fixed order used by every array in the model."""

NHS_TYPES = ("acute", "community", "ccg")
STRUCTURES = ("england", "simple", "complex", "mixed")


@dataclass(frozen=True)
class Param:
    """One parameter: its type, unit, range, default and where the default comes from."""

    name: str
    kind: str  # "float" | "int" | "bool" | "choice" | "mix"
    default: object
    unit: str
    source: str
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = field(default=())
    group: str = ""

    @property
    def allowed(self) -> str:
        if self.kind in ("float", "int"):
            return f"{self.kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        return "a strategy mix such as 'tit_for_tat:0.5,imitation:0.5' (names from `stpgame strategies`)"

    def coerce(self, value: object) -> object:
        """Convert ``value`` (Python value or command-line string) and check it."""
        if self.kind == "bool":
            return _to_bool(self, value)
        if self.kind in ("float", "int"):
            return _to_number(self, value)
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ParameterError(self.name, self.allowed, value)
            return value
        from stpgame.strategies import parse_mix

        try:
            return parse_mix(value)
        except ValueError as exc:
            raise ParameterError(self.name, self.allowed, value, str(exc)) from None


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))


def _to_bool(p: Param, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
        return False
    raise ParameterError(p.name, p.allowed, value)


def _to_number(p: Param, value: object) -> float | int:
    if isinstance(value, bool):
        raise ParameterError(p.name, p.allowed, value, "a boolean is not a number")
    try:
        if isinstance(value, str):
            number = float(value.strip())
        elif isinstance(value, int | float):
            number = float(value)
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise ParameterError(p.name, p.allowed, value, "not a number") from None
    if not math.isfinite(number):
        raise ParameterError(p.name, p.allowed, value, "must be finite")
    if p.kind == "int":
        if number != int(number):
            raise ParameterError(p.name, p.allowed, value, "must be a whole number")
        number = int(number)
    if number < p.low or number > p.high:
        raise ParameterError(p.name, p.allowed, value)
    return number


_DEFAULT_MIX = "tit_for_tat:0.25,imitation:0.35,reinforcement:0.25,trusted_partners:0.15"

PARAMS: tuple[Param, ...] = (
    # --- 1. Organisations and footprints -------------------------------------
    Param(
        "structure",
        "choice",
        "mixed",
        "-",
        "[001]; calibration §1 (44 STP footprints)",
        "Which footprints: 'england' (44 real-sized STPs), 'simple' (1 council, 1 CCG, "
        "1 acute, 1 community trust, same boundary), 'complex' (many bodies, boundaries "
        "that do not match), or 'mixed' (half of each).",
        choices=STRUCTURES,
        group="structure",
    ),
    Param(
        "n_footprints",
        "int",
        0,
        "footprints",
        "calibration §1: 44 STPs (2016)",
        "Number of footprints; 0 means the structure's own number (England 44, others 6).",
        0,
        44,
        group="structure",
    ),
    Param(
        "coordination_cost",
        "float",
        0.005,
        "share lost per extra body",
        "[001]: simpler structures (one council, one CCG, one trust) enabled integration",
        "Savings lost to coordination per organisation beyond the four of a simple footprint.",
        0.0,
        0.1,
        group="structure",
    ),
    Param(
        "boundary_mismatch_cost",
        "float",
        0.05,
        "share of savings",
        "[001]: coterminous boundaries enabled integration",
        "Savings lost where council and CCG boundaries do not match.",
        0.0,
        0.5,
        group="structure",
    ),
    # --- 2. The repeated game over shared budgets ----------------------------
    Param(
        "discretionary_share",
        "float",
        0.04,
        "share of budget",
        "calibration §2: BCF pooled £5.3bn ≈ 4% of NHS England £106bn + ASC £17.5bn (DERIVED)",
        "Share of each body's budget it can choose to pool each year.",
        0.0,
        0.3,
        group="game",
    ),
    Param(
        "savings_multiplier",
        "float",
        1.5,
        "£ saved per £ pooled",
        "brief mechanism 2 (multiplier > 1) [002]; evidence range 0-3 in calibration §5 "
        "(BCF planned £1bn fell to £55m; DH: £1 on ASC saves 34p)",
        "System-wide savings per pound of pooled, preventive spending (before losses).",
        0.0,
        5.0,
        group="game",
    ),
    Param(
        "savings_lag",
        "int",
        2,
        "rounds (years)",
        "calibration §5: little impact for ~2 years, modest after 4-6 [004] double running",
        "Years before pooled spending produces savings.",
        0,
        10,
        group="game",
    ),
    Param(
        "savings_uncertainty",
        "float",
        0.2,
        "log-sd",
        "calibration §5: effects small, inconsistent between sites",
        "Spread of the realised multiplier per footprint and year (lognormal).",
        0.0,
        1.0,
        group="game",
    ),
    Param(
        "savings_to_acute",
        "float",
        0.45,
        "share of savings",
        "brief mechanism 2: savings land mostly in hospital bed days and long-term care; "
        "calibration §3: over-65s use 62% of bed days",
        "Share of savings that lands in acute trusts (fewer admissions, bed days).",
        0.0,
        1.0,
        group="game",
    ),
    Param(
        "savings_to_community",
        "float",
        0.10,
        "share of savings",
        "assumption (brief mechanism 2)",
        "Share of savings landing in community and mental-health trusts.",
        0.0,
        1.0,
        group="game",
    ),
    Param(
        "savings_to_ccg",
        "float",
        0.15,
        "share of savings",
        "assumption (brief mechanism 2)",
        "Share of savings landing in CCGs (less commissioned activity).",
        0.0,
        1.0,
        group="game",
    ),
    Param(
        "savings_to_council",
        "float",
        0.30,
        "share of savings",
        "brief mechanism 2: long-term care; calibration §5 Torbay: fewer care-home placements",
        "Share of savings landing in councils (fewer long-term care placements).",
        0.0,
        1.0,
        group="game",
    ),
    Param(
        "discount_rate",
        "float",
        0.035,
        "per year",
        "HM Treasury Green Book (2018): 3.5% social time preference rate",
        "How much less a saving counts for each year it is delayed.",
        0.0,
        0.2,
        group="game",
    ),
    Param(
        "trust_effect",
        "float",
        0.2,
        "share of savings",
        "[001] professional and cultural boundaries are a barrier; [004] relationships",
        "Share of pooled money's effect that depends on trust between the partners.",
        0.0,
        1.0,
        group="game",
    ),
    # --- 3. Regulation ---------------------------------------------------------
    Param(
        "system_weight",
        "float",
        0.0,
        "0 = own body, 1 = whole system",
        "[003] fortress mentality: regulators judge single organisations; calibration "
        "qualitative: later system control totals",
        "What each body is judged on: its own finances (0) or its system's (1).",
        0.0,
        1.0,
        group="regulation",
    ),
    Param(
        "breach_penalty",
        "float",
        0.3,
        "£ per £ of deficit",
        "calibration §2: 70% of the £1.8bn STF paid only for meeting the control total",
        "Money withheld from an NHS body per pound of deficit it is judged on.",
        0.0,
        1.0,
        group="regulation",
    ),
    Param(
        "bailout_share",
        "float",
        0.5,
        "share of deficit",
        "[003]; calibration §2: cash support to trusts £2.4bn → £3.1bn (2016/17)",
        "Share of an NHS body's remaining deficit covered by central cash support.",
        0.0,
        1.0,
        group="regulation",
    ),
    Param(
        "council_balanced_budget",
        "bool",
        True,
        "-",
        "s114 Local Government Finance Act 1988; calibration §2 and qualitative findings",
        "Councils must balance their budget each year: a council heading for deficit cuts services.",
        group="regulation",
    ),
    Param(
        "cost_shift_rate",
        "float",
        0.5,
        "£ NHS pressure per £ council cut",
        "calibration §4: NHS England, a £1 cut to ASC adds 50p NHS pressure (PAC HC 959)",
        "Extra NHS cost for each pound a council cuts from care and prevention [001].",
        0.0,
        2.0,
        group="regulation",
    ),
    Param(
        "target_pressure",
        "float",
        0.2,
        "share of discretionary budget",
        "[002] centrally driven targets (e.g. delayed transfers) crowd out prevention",
        "Share of an NHS body's discretionary budget held back to hit central targets.",
        0.0,
        1.0,
        group="regulation",
    ),
    Param(
        "outcome_weight",
        "float",
        0.0,
        "share of score",
        "[004] success measures close to outcomes: patient experience, wellness, bed days",
        "Weight of the footprint's patient-outcome index in each body's regulatory score.",
        0.0,
        1.0,
        group="regulation",
    ),
    # --- 5. Money over time: the integration paradox ---------------------------
    Param(
        "funding_growth",
        "float",
        0.011,
        "per year",
        "calibration §2: DH budget +1.1%/yr real 2009/10-2015/16",
        "Yearly growth in each body's income.",
        -0.1,
        0.1,
        group="money",
    ),
    Param(
        "demand_growth",
        "float",
        0.032,
        "per year",
        "calibration §3: emergency admissions +3.2%/yr 2006/07-2017/18",
        "Yearly growth in demand (cost of standing still); the gap over funding is the pressure [001].",
        0.0,
        0.1,
        group="money",
    ),
    # --- 6. Pooled budgets and fund rules ---------------------------------------
    Param(
        "bcf_minimum_share",
        "float",
        0.0,
        "share of discretionary budget",
        "[004] Better Care Fund: mandatory pool, 'not new money'; calibration §2 (£3.8bn minimum)",
        "Share of CCG and council discretionary budgets that must be pooled whatever they choose.",
        0.0,
        1.0,
        group="funds",
    ),
    Param(
        "activity_payment",
        "float",
        0.7,
        "share of acute savings",
        "[004] payment mechanisms not aligned across the system (payment by activity)",
        "Share of an acute trust's savings that goes to the commissioner as lower activity payments.",
        0.0,
        1.0,
        group="funds",
    ),
    Param(
        "risk_share",
        "float",
        0.0,
        "share of deficit pooled",
        "[004] local risk-sharing agreements; calibration §2 Torbay £400m pooled budget with risk share",
        "Share of each body's surplus or deficit spread across its footprint by budget.",
        0.0,
        1.0,
        group="funds",
    ),
    Param(
        "incentive_fund",
        "float",
        0.0,
        "share of footprint budget per year",
        "[002] financial incentives for partnerships that demonstrate integration; "
        "calibration §2: BCF performance pot up to £1bn",
        "Yearly reward to footprints that pool at least the incentive threshold.",
        0.0,
        0.05,
        group="funds",
    ),
    Param(
        "incentive_threshold",
        "float",
        0.5,
        "pooled share of discretionary budget",
        "[002]; calibration §2: BCF performance pot conditions",
        "Pooled share a footprint must reach to earn the incentive fund.",
        0.0,
        1.0,
        group="funds",
    ),
    Param(
        "transformation_fund",
        "float",
        0.0,
        "share of contribution",
        "[004] transformation money for double running; calibration §2: £1.5-2.1bn/yr needed",
        "Share of each voluntary contribution paid by national transformation money.",
        0.0,
        1.0,
        group="funds",
    ),
    Param(
        "transformation_years",
        "int",
        5,
        "rounds",
        "[004]; calibration §2: transformation fund £1.5-2.1bn/yr needed to 2020/21 (5 years)",
        "Years the transformation money lasts.",
        0,
        100,
        group="funds",
    ),
    # --- 7. Relationships and behaviour -----------------------------------------
    Param(
        "trust_gain",
        "float",
        0.15,
        "per round",
        "[004] relationships built by joint working (assumption)",
        "How fast trust grows when both partners pool.",
        0.0,
        1.0,
        group="behaviour",
    ),
    Param(
        "trust_loss",
        "float",
        0.3,
        "per round",
        "Slovic (1993) asymmetry principle: trust is lost faster than it is built",
        "How fast trust erodes when one partner withholds while the other pools.",
        0.0,
        1.0,
        group="behaviour",
    ),
    Param(
        "cultural_barrier",
        "float",
        0.3,
        "share of trust gain lost",
        "[001] professional and cultural boundaries; [000] 56% of GPs rate relations poor",
        "How much slower trust grows between health and council staff.",
        0.0,
        1.0,
        group="behaviour",
    ),
    Param(
        "initial_trust_shift",
        "float",
        0.0,
        "trust units",
        "[002] CIPFA survey: 25% limited, 54% reasonable, 21% very strong",
        "Moves every starting relationship up or down from the surveyed mix.",
        -0.5,
        0.5,
        group="behaviour",
    ),
    Param(
        "leadership_turnover",
        "float",
        0.15,
        "probability per year",
        "[004] changing leadership is a barrier (rate: assumption, ~6-7 year tenure)",
        "Chance a body's leader changes in a year, resetting its relationships and strategy memory.",
        0.0,
        1.0,
        group="behaviour",
    ),
    Param(
        "firefighting",
        "float",
        0.3,
        "probability",
        "[001] staff 'firefighting' to keep existing services running",
        "Chance a body in deficit withholds to protect its own budget, reached at a deficit "
        "of 3.2% of budget (the 2015/16 provider deficit) and scaled down below it.",
        0.0,
        1.0,
        group="behaviour",
    ),
    # --- 11. Decision rules -----------------------------------------------------
    Param(
        "noise",
        "float",
        0.02,
        "probability",
        "Axelrod (1984); Nowak & Sigmund (1993) noisy games",
        "Chance a body's action comes out the opposite of what it meant (a mistake).",
        0.0,
        0.5,
        group="strategy",
    ),
    Param(
        "learning_rate",
        "float",
        0.2,
        "-",
        "Sutton & Barto (2018) stateless Q-learning",
        "How fast learning bodies update their value of pooling and withholding.",
        0.0,
        1.0,
        group="strategy",
    ),
    Param(
        "foregone_weight",
        "float",
        1.0,
        "-",
        "Camerer & Ho (1999) Econometrica 67(4): delta, the weight of foregone payoffs "
        "(0 = pure reinforcement, 1 = belief learning, which finds a dominant move "
        "despite year-to-year noise)",
        "How much learning bodies learn from what the other move would have earned.",
        0.0,
        1.0,
        group="strategy",
    ),
    Param(
        "exploration",
        "float",
        0.05,
        "probability",
        "Sutton & Barto (2018) epsilon-greedy",
        "Chance a learning body tries a random action.",
        0.0,
        1.0,
        group="strategy",
    ),
    Param(
        "imitation_rate",
        "float",
        0.5,
        "probability",
        "[004] 'peer support'; Nowak & May (1992) imitation of better-performing neighbours",
        "Chance a body copies a better-performing peer's action.",
        0.0,
        1.0,
        group="strategy",
    ),
    Param(
        "trust_threshold",
        "float",
        0.45,
        "trust",
        "brief mechanism 11 (assumption)",
        "Trust a 'trusted partners' body needs before it pools.",
        0.0,
        1.0,
        group="strategy",
    ),
    Param(
        "initial_cooperation",
        "float",
        0.6,
        "probability",
        "[002] 90% say integration is critical",
        "Chance a learning or imitating body pools in the first year.",
        0.0,
        1.0,
        group="strategy",
    ),
    Param(
        "strategy_acute",
        "mix",
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of acute trusts.",
        group="strategy",
    ),
    Param(
        "strategy_community",
        "mix",
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of community and mental-health trusts.",
        group="strategy",
    ),
    Param(
        "strategy_ccg",
        "mix",
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of CCGs.",
        group="strategy",
    ),
    Param(
        "strategy_council",
        "mix",
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of councils.",
        group="strategy",
    ),
    # --- Outcome conversion ------------------------------------------------------
    Param(
        "cost_per_admission",
        "float",
        2400.0,
        "£",
        "calibration §3: ≈ £2,400 per emergency admission (DERIVED from NAO)",
        "Converts savings and shifted costs into emergency admissions.",
        100.0,
        20000.0,
        group="outcomes",
    ),
    Param(
        "cost_per_bed_day",
        "float",
        313.0,
        "£",
        "calibration §3: excess bed day reference cost £313 (2016/17)",
        "Converts savings and council cuts into delayed-transfer bed days.",
        50.0,
        2000.0,
        group="outcomes",
    ),
)

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
DEFAULTS: dict[str, object] = {p.name: p.default for p in PARAMS}
SAVINGS_SHARES = tuple(f"savings_to_{t}" for t in ORG_TYPES)
STRATEGY_PARAMS = tuple(f"strategy_{t}" for t in ORG_TYPES)


def check_seed(seed: object) -> int | None:
    """A seed is ``None`` (fresh entropy) or a whole number >= 0."""
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise ParameterError("seed", "a whole number >= 0", seed)
    try:
        value = int(seed) if isinstance(seed, str) else seed
    except ValueError:
        raise ParameterError("seed", "a whole number >= 0", seed) from None
    if not isinstance(value, numbers.Integral) or value < 0:
        raise ParameterError("seed", "a whole number >= 0", seed)
    return int(value)


def validate(values: dict[str, object], base: dict[str, object] | None = None) -> dict[str, object]:
    """Return a complete, checked parameter dict: ``base`` (or defaults) updated by ``values``.

    Raises :class:`ParameterError` for an unknown name, a wrong type, a value
    out of range, NaN/inf, or settings that contradict each other.
    """
    out = dict(DEFAULTS if base is None else base)
    for name, value in values.items():
        if name not in BY_NAME:
            raise ParameterError(
                name, "a known parameter (see `stpgame params`)", value, _close(name)
            )
        out[name] = BY_NAME[name].coerce(value)
    _check_consistent(out)
    return out


def _close(name: str) -> str:
    import difflib

    match = difflib.get_close_matches(name, BY_NAME, n=1)
    return f"unknown parameter; did you mean '{match[0]}'?" if match else "unknown parameter"


def _check_consistent(p: dict[str, object]) -> None:
    total = sum(float(p[k]) for k in SAVINGS_SHARES)
    if abs(total - 1.0) > 1e-6:
        raise ParameterError(
            "savings_to_*",
            "shares that add up to 1",
            {k: p[k] for k in SAVINGS_SHARES},
            f"they add up to {total:g}",
        )
    if p["structure"] == "england" and p["n_footprints"] not in (0, 44):
        raise ParameterError(
            "n_footprints",
            "0 or 44 when structure='england'",
            p["n_footprints"],
            "England has 44 STP footprints",
        )
    if p["bcf_minimum_share"] > 1.0 - p["target_pressure"] + 1e-12:
        raise ParameterError(
            "bcf_minimum_share",
            f"at most 1 - target_pressure = {1 - p['target_pressure']:g}",
            p["bcf_minimum_share"],
            "CCGs cannot pool money that targets hold back",
        )


def describe() -> list[dict[str, object]]:
    """The parameter table as rows, for `stpgame params` and the docs."""
    return [
        {
            "name": p.name,
            "group": p.group,
            "allowed": p.allowed,
            "default": p.default,
            "unit": p.unit,
            "source": p.source,
            "help": p.help,
        }
        for p in PARAMS
    ]
