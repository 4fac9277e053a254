"""Every model parameter declared once, as a field of the typed, immutable ``Params``.

Each field of ``Params`` carries its parameter's kind, unit, allowed range, default, source
and help; ``PARAMS`` (the table docs, command line, app and checks read) is made from those
fields. ``Params`` is the checked set of values the core reads as attributes
(``p.system_weight``). Values are
checked once at each boundary (API, command line, files, browser) by ``Params.build``, which
uses the number/bool/choice checks in ``checks.py``, so every boundary gives the same
message for the same mistake: the parameter, what is allowed, and the value given.

Sources: seed articles are cited as [000]..[004] (``shared/seeds``); figures
marked "calibration" come from ``shared/calibration.md`` (section in brackets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from stpgame.core import checks
from stpgame.errors import ParameterError
from stpgame.places.table import names as place_names

ORG_TYPES = ("acute", "community", "ccg", "council")
"""Organisation types, in the fixed order used by every array in the model."""

NHS_TYPES = ("acute", "community", "ccg")
STRUCTURES = ("england", "simple", "complex", "mixed", "workshop")


class ControlTotal(StrEnum):
    """The kinds of control total (regulation.py says what each means); compares equal to
    its name, so ``p.control_total == "system"`` and TOML files read as before. The compiled
    year reads a kind by its position here (``year_layout.control_total_code``)."""

    INDIVIDUAL = "individual"
    SYSTEM = "system"
    NONE = "none"


class Kind(StrEnum):
    """What sort of value a parameter takes (compares equal to its name)."""

    FLOAT = "float"
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"
    MIX = "mix"


@dataclass(frozen=True)
class Param:
    """One parameter: its type, unit, range, default and where the default comes from."""

    name: str
    kind: Kind
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
        """The allowed values in words, for error messages and the parameter table."""
        if self.kind in ("float", "int"):
            return f"{self.kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        return "a strategy mix such as 'tit_for_tat:0.5,imitation:0.5' (names from `stpgame strategies`)"

    def coerce(self, value: object, *, text: bool = False) -> object:
        """Check ``value`` and return it as the parameter's type. A number or a switch given
        as text (``'0.5'``, ``'yes'``) is read only with ``text`` (the command line)."""
        if self.kind is Kind.BOOL:
            return checks.boolean(self.name, value, self.allowed, text=text)
        if self.kind in (Kind.FLOAT, Kind.INT):
            assert self.low is not None and self.high is not None
            whole = self.kind is Kind.INT
            return checks.number(self.name, value, self.low, self.high, whole=whole, text=text)
        if self.kind is Kind.CHOICE:
            return checks.choice(self.name, value, self.choices)
        from stpgame.strategies import parse_mix

        try:
            return parse_mix(value)
        except ValueError as exc:
            raise ParameterError(self.name, self.allowed, value, str(exc)) from None


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))


# Control totals' average slack and body-to-body spread (share of budget), calibrated
# together by experiments/control_totals.py (see the two parameters' sources).
SLACK_CALIBRATED, SPREAD_CALIBRATED = 0.04, 0.03
# Trusts' cost gaps: their spread and acute trusts' extra gap (share of income), calibrated
# together by experiments/cost_gaps.py (see the two parameters' sources).
COST_SPREAD_CALIBRATED, ACUTE_GAP_CALIBRATED = 0.05, 0.075
_DEFAULT_MIX = "tit_for_tat:0.25,imitation:0.35,reinforcement:0.25,trusted_partners:0.15"


def _param(
    kind: Kind,
    default: object,
    unit: str,
    source: str,
    help: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] = (),
    group: str = "",
) -> Any:
    """A field of ``Params`` declaring its parameter: the field's default is the
    parameter's, and the rest (kind, unit, source, help, range, choices, group) rides in
    the field's metadata, from which ``PARAMS`` is made."""
    spec = {"kind": kind, "default": default, "unit": unit, "source": source, "help": help}
    spec |= {"low": low, "high": high, "choices": choices, "group": group}
    return field(default=default, metadata={"param": spec})


@dataclass(frozen=True)
class Params:
    """One checked, immutable set of every parameter; the core reads its attributes.

    Each field declares its parameter once (``_param``: kind, default, unit, source, help,
    range, group); ``PARAMS``, the docs' parameter table, the command line's ``--set`` and
    ``stpgame params``, the app's sliders and every check are made from these fields.

    Build it with :meth:`build` (or :func:`validate`), never field by field: that is where
    each value is converted and checked against ``PARAMS`` and the cross-checks run.
    ``Params()`` is the defaults (the table's defaults pass every check: tests/test_params.py).
    """

    # --- 1. Organisations and footprints -------------------------------------
    structure: str = _param(
        Kind.CHOICE,
        "mixed",
        "-",
        "[001]; calibration §1 (44 STP footprints)",
        "Which footprints: 'england' (44 real-sized STPs), 'simple' (1 council, 1 CCG, "
        "1 acute, 1 community trust, same boundary), 'complex' (many bodies, boundaries "
        "that do not match), 'mixed' (half of each), or 'workshop' (8 bodies: 2 acute, 1 "
        "community trust, 2 CCGs, 3 councils; one team each in a workshop room).",
        choices=STRUCTURES,
        group="structure",
    )
    n_footprints: int = _param(
        Kind.INT,
        0,
        "footprints",
        "calibration §1: 44 STPs (2016)",
        "Number of footprints; 0 means the structure's own number (England 44, others 6).",
        0,
        44,
        group="structure",
    )
    place: str = _param(
        Kind.CHOICE,
        "",
        "-",
        "ONS, NHS Digital and Health Foundation lookups of 2017 (docs/places.md)",
        "One real footprint of 2017 by name (with structure 'england'): its real CCGs, "
        "councils and trusts. Empty: all 44 (`stpgame places` lists them; "
        "STPModel.from_scenario(..., place=...) also takes an E54 code).",
        choices=("", *place_names()),
        group="structure",
    )
    coordination_cost: float = _param(
        Kind.FLOAT,
        0.005,
        "share lost per extra body",
        "[001]: simpler structures (one council, one CCG, one trust) enabled integration",
        "Savings lost to coordination per organisation beyond the four of a simple footprint.",
        0.0,
        0.1,
        group="structure",
    )
    boundary_mismatch_cost: float = _param(
        Kind.FLOAT,
        0.05,
        "share of savings",
        "[001]: coterminous boundaries enabled integration",
        "Savings lost where council and CCG boundaries do not match.",
        0.0,
        0.5,
        group="structure",
    )
    # --- 2. The repeated game over shared budgets ----------------------------
    discretionary_share: float = _param(
        Kind.FLOAT,
        0.04,
        "share of budget",
        "calibration §2: BCF pooled £5.3bn ≈ 4% of NHS England £106bn + ASC £17.5bn (DERIVED)",
        "Share of each body's budget it can choose to pool each year.",
        0.0,
        0.3,
        group="game",
    )
    savings_multiplier: float = _param(
        Kind.FLOAT,
        0.5,
        "£ saved per £ pooled",
        "calibration §5, central estimate (DERIVED, see docs/ODD.md §7): DH £1 on adult social "
        "care saves 34p; NHSE a £1 cut adds 50p; pioneer+vanguard CCGs' slower admissions "
        "growth ≈ 0.2 per pooled £; Canterbury ≈ 0.8. Sceptical 0.1 (BCF plan £511m on "
        "£5.3bn, not achieved); hopeful 1.5 (brief mechanism 2: multiplier > 1)",
        "Cash-releasing system-wide savings per pound of pooled, preventive spending "
        "(before coordination and trust losses).",
        0.0,
        5.0,
        group="game",
    )
    savings_need_elasticity: float = _param(
        Kind.FLOAT,
        0.0,
        "elasticity",
        "assumption (no figure exists): savings are avoided emergency admissions and delayed "
        "days, whose volume grows when need outruns money (issue 22; [001] the integration "
        "paradox; calibration §3: emergency admissions +3.2% a year 2006/07-2017/18 and +3.8% in 2017/18 while funding rose ~1%). "
        "0 keeps the calibrated multiplier in every year",
        "How the savings a pooled pound makes grow with need outrunning money: the multiplier "
        "is scaled by (demand / income, both relative to year 1) to this power.",
        0.0,
        2.0,
        group="game",
    )
    savings_lag: int = _param(
        Kind.INT,
        3,
        "rounds (years)",
        "calibration §5 (Health Foundation 2021): little impact for ~2 years, modest after "
        "4-6; [004] double running. Savings stop this many years after pooling stops "
        "(vanguard gains 'lagged but transitory', Wattal et al. 2024)",
        "Years before pooled spending produces savings.",
        0,
        10,
        group="game",
    )
    savings_uncertainty: float = _param(
        Kind.FLOAT,
        0.2,
        "log-sd",
        "calibration §5: effects small, inconsistent between sites",
        "Spread of the realised multiplier per footprint and year (lognormal).",
        0.0,
        1.0,
        group="game",
    )
    savings_to_acute: float = _param(
        Kind.FLOAT,
        0.45,
        "share of savings",
        "brief mechanism 2: savings land mostly in hospital bed days and long-term care; "
        "calibration §3: over-65s use 62% of bed days",
        "Share of savings that lands in acute trusts (fewer admissions, bed days).",
        0.0,
        1.0,
        group="game",
    )
    savings_to_community: float = _param(
        Kind.FLOAT,
        0.10,
        "share of savings",
        "assumption (brief mechanism 2)",
        "Share of savings landing in community and mental-health trusts.",
        0.0,
        1.0,
        group="game",
    )
    savings_to_ccg: float = _param(
        Kind.FLOAT,
        0.15,
        "share of savings",
        "assumption (brief mechanism 2)",
        "Share of savings landing in CCGs (less commissioned activity).",
        0.0,
        1.0,
        group="game",
    )
    savings_to_council: float = _param(
        Kind.FLOAT,
        0.30,
        "share of savings",
        "brief mechanism 2: long-term care; calibration §5 Torbay: fewer care-home placements",
        "Share of savings landing in councils (fewer long-term care placements).",
        0.0,
        1.0,
        group="game",
    )
    planning_horizon: int = _param(
        Kind.INT,
        5,
        "years",
        "NHS England (2015) Delivering the Forward View: STPs planned the five years "
        "2016/17-2020/21; operational plans covered two (2017-19)",
        "Years ahead a board counts savings when it appraises pooling: savings expected "
        "later than this count for nothing.",
        0,
        10,
        group="game",
    )
    discount_rate: float = _param(
        Kind.FLOAT,
        0.035,
        "per year",
        "HM Treasury Green Book (2018): 3.5% social time preference rate",
        "How much less a saving counts for each year it is delayed.",
        0.0,
        0.2,
        group="game",
    )
    trust_effect: float = _param(
        Kind.FLOAT,
        0.2,
        "share of savings",
        "[001] professional and cultural boundaries are a barrier; [004] relationships",
        "Share of pooled money's effect that depends on trust between the partners.",
        0.0,
        1.0,
        group="game",
    )
    # --- 3. Regulation ---------------------------------------------------------
    system_weight: float = _param(
        Kind.FLOAT,
        0.0,
        "0 = own body, 1 = whole system",
        "[003] fortress mentality: regulators judge single organisations; calibration "
        "qualitative: later system control totals",
        "Blended rating (an alternative to control totals): each body's score and deficit "
        "penalty weigh its own finances (0) against its footprint's (1).",
        0.0,
        1.0,
        group="regulation",
    )
    control_total: str = _param(
        Kind.CHOICE,
        "individual",
        "-",
        "calibration §2 and qualitative findings: individual control totals with the STF "
        "(2016/17-2018/19); system control totals = the sum of the bodies' totals, central "
        "money contingent on the system hitting it (ICSs from 2018/19)",
        "Control totals: 'individual' (each NHS body has its own and earns its own "
        "sustainability money), 'system' (the footprint shares one total; central money is "
        "paid to every NHS member only if the footprint hits it), or 'none'.",
        choices=tuple(ControlTotal),
        group="regulation",
    )
    sustainability_fund: float = _param(
        Kind.FLOAT,
        0.0237,
        "share of provider income",
        "calibration §2: Sustainability and Transformation Fund £1.8bn/yr to providers "
        "(2016/17-2017/18) on provider income £76bn: 1.8 / 76 = 2.37% (DERIVED); the "
        "Provider Sustainability Fund's £2.45bn (2018/19) gives 3.2%",
        "Central money for NHS trusts (not CCGs), paid for meeting their control totals "
        "(the finance part) and performance trajectories.",
        0.0,
        0.2,
        group="regulation",
    )
    stf_finance_share: float = _param(
        Kind.FLOAT,
        0.7,
        "share",
        "calibration §2 (HSJ 2016): 70% paid for meeting the quarterly financial control "
        "total, 30% for A&E, referral-to-treatment and cancer trajectories",
        "Part of the sustainability money paid for meeting the financial control total, "
        "assessed quarterly.",
        0.0,
        1.0,
        group="regulation",
    )
    stf_performance_met: float = _param(
        Kind.FLOAT,
        0.64,
        "share",
        "calibration §2: Q2 2016/17, 64% of providers met the performance criteria. The "
        "model does not link A&E performance to pooling: this part is paid at the "
        "published rate whatever a body does",
        "Share of the performance part of the sustainability money that providers earn.",
        0.0,
        1.0,
        group="regulation",
    )
    stf_redistribution: float = _param(
        Kind.FLOAT,
        1.0,
        "share of unearned money",
        "NHS Improvement's letter to trusts (HSJ, 'Bonus pot for trusts that hit financial "
        "targets confirmed', 2016/17): 'to fully utilise the STF in year', money providers "
        "did not earn paid £1 for £1 of agreed improvement beyond their control total, the "
        "residual as a year-end bonus to providers that met theirs; NHS Providers: the sector "
        "'was able to benefit from the full £1.8bn'",
        "Part of the sustainability money providers did not earn that is paid out again at "
        "year end: first £1 for each £1 by which a provider beats its control total, then "
        "the rest as a bonus to providers that met theirs (0: it goes back to the centre).",
        0.0,
        1.0,
        group="regulation",
    )
    system_share: float = _param(
        Kind.FLOAT,
        1.0,
        "share",
        "NHS England/Improvement planning guidance: 2020/21 tied at least half of the "
        "Financial Recovery Fund to system performance; Dorset staked all of it "
        "(shared/notes/decisions_and_institutions.md)",
        "Under system control totals, the part of the central money paid on the "
        "footprint's shared total (which its NHS bodies may re-divide); the rest on each "
        "body's own.",
        0.0,
        1.0,
        group="regulation",
    )
    control_total_slack: float = _param(
        Kind.FLOAT,
        SLACK_CALIBRATED,
        "share of budget",
        "calibrated with control_total_spread (experiments/control_totals.py): control "
        "totals were set body by body from each body's own plan (calibration §2); with "
        "these two, 84% of providers meet theirs in the fortress preset's first year, "
        "default strategy mix (Q2 2016/17: 82% met the finance criteria)",
        "How far below its expected result (without pooling) a body's control total is set, "
        "on average; negative makes it an improvement the body must find.",
        -0.1,
        0.1,
        group="regulation",
    )
    control_total_spread: float = _param(
        Kind.FLOAT,
        SPREAD_CALIBRATED,
        "share of budget",
        "calibrated with control_total_slack (experiments/control_totals.py) so that about "
        "40% of NHS bodies are within one pooling decision of their total in year 1 (issue "
        "22: totals that bind for 20-60% of bodies); no published figure gives the spread: "
        "NHS Improvement negotiated each provider's total from its own plan and position "
        "(calibration §2)",
        "How much the regulator's stretch differs from body to body: the standard "
        "deviation (share of budget) of NHS bodies' control totals around the average "
        "slack, each body's place drawn once (a run without a seed draws it afresh too).",
        0.0,
        0.2,
        group="regulation",
    )
    two_year_totals: bool = _param(
        Kind.BOOL,
        False,
        "-",
        "NHS Improvement and NHS England (2016), 'Strengthening financial performance & "
        "accountability in 2016/17' and 'The Sustainability and Transformation Fund and "
        "financial control totals for 2017/18 and 2018/19: guidance': both years' totals were "
        "set in late 2016 with two-year operating plans, aiming at a provider sector in "
        "balance in 2017/18 and 2018/19 (King's Fund, 'Trusts in deficit'); on in the "
        "England presets",
        "Control totals for years 2 and 3 (2017/18, 2018/19) are set together from year 1's "
        "position, so they do not allow for trusts' cost gap growing since (``cost_drift``); "
        "otherwise each year's total follows that year's plan.",
        group="regulation",
    )
    breach_penalty: float = _param(
        Kind.FLOAT,
        0.0,
        "£ per £ of deficit",
        "none by default: the STF withheld for a missed control total is the sanction "
        "(sustainability_fund); a fine on top would count the same breach twice. For "
        "exploring regimes that fined deficits",
        "Money withheld from an NHS body per pound of deficit it is judged on.",
        0.0,
        1.0,
        group="regulation",
    )
    bailout_share: float = _param(
        Kind.FLOAT,
        0.5,
        "share of deficit",
        "[003]; calibration §2: cash support to trusts £2.4bn → £3.1bn (2016/17)",
        "Share of an NHS body's remaining deficit covered by central cash support.",
        0.0,
        1.0,
        group="regulation",
    )
    cash_support: str = _param(
        Kind.CHOICE,
        "loan",
        "-",
        "calibration §2 (NAO HC 719): cash support to trusts £2.4bn -> £3.1bn (2016/17) as "
        "interim revenue support loans, repayable",
        "How central cash support reaches a body in deficit: a repayable loan (finances the "
        "deficit, counts as debt) or a grant (counts as income).",
        choices=("loan", "grant"),
        group="regulation",
    )
    loan_interest: float = _param(
        Kind.FLOAT,
        0.015,
        "per year",
        "interim revenue support loans: 1.5% (3.5% for trusts failing their conditions), "
        "the commonly quoted rates (shared/notes/decisions_and_institutions.md)",
        "Interest charged each year on a body's outstanding support loans.",
        0.0,
        0.2,
        group="regulation",
    )
    council_balanced_budget: bool = _param(
        Kind.BOOL,
        True,
        "-",
        "s114 Local Government Finance Act 1988; calibration §2 and qualitative findings",
        "Councils must balance their budget each year: a council heading for deficit cuts services.",
        group="regulation",
    )
    cost_shift_rate: float = _param(
        Kind.FLOAT,
        0.5,
        "£ NHS pressure per £ council cut",
        "calibration §4: NHS England, a £1 cut to ASC adds 50p NHS pressure (PAC HC 959)",
        "Extra NHS cost for each pound a council cuts from care and prevention [001].",
        0.0,
        2.0,
        group="regulation",
    )
    target_pressure: float = _param(
        Kind.FLOAT,
        0.2,
        "share of discretionary budget",
        "[002] centrally driven targets (e.g. delayed transfers) crowd out prevention",
        "Share of an NHS body's discretionary budget held back to hit central targets.",
        0.0,
        1.0,
        group="regulation",
    )
    outcome_weight: float = _param(
        Kind.FLOAT,
        0.0,
        "share of score",
        "[004] success measures close to outcomes: patient experience, wellness, bed days",
        "Weight of the footprint's patient-outcome index in each body's regulatory score.",
        0.0,
        1.0,
        group="regulation",
    )
    # --- 5. Money over time: the integration paradox ---------------------------
    funding_growth: float = _param(
        Kind.FLOAT,
        0.011,
        "per year",
        "calibration §2: DH budget +1.1%/yr real 2009/10-2015/16",
        "Yearly growth in each body's income.",
        -0.1,
        0.1,
        group="money",
    )
    demand_growth: float = _param(
        Kind.FLOAT,
        0.032,
        "per year",
        "calibration §3: emergency admissions +3.2%/yr 2006/07-2017/18",
        "Yearly growth in demand (cost of standing still); the gap over funding is the pressure [001].",
        0.0,
        0.1,
        group="money",
    )
    cost_drift: float = _param(
        Kind.FLOAT,
        0.0075,
        "share of income per year",
        "calibration §2 (NHS Providers; HSJ): the providers' underlying deficit rose £3.7bn "
        "(2016/17) -> £4.3bn (2017/18) -> £5bn (2018/19) on income of about £76-80bn: cost "
        "pressures outran funding and recurrent efficiency savings by about 0.75 points of "
        "income a year (DERIVED). That measure strips one-off measures; the reported deficit "
        "plus the STF, which keeps them in, grew by only £0.18bn in 2017/18 "
        "(docs/calibration.md): one-offs hid part of the rise",
        "How much faster NHS trusts' costs grow than their income each year, after their "
        "efficiency savings: the underlying deficit compounds (for ``cost_drift_years``).",
        0.0,
        0.05,
        group="money",
    )
    cost_drift_years: int = _param(
        Kind.INT,
        2,
        "years",
        "calibration §2: the underlying deficit rose in 2017/18 and 2018/19; the 2019/20 "
        "settlement (Long Term Plan, +3.4% a year) then raised funding to meet costs "
        "(assumption: the gap stops growing, at its 2018/19 level)",
        "Years after year 1 in which trusts' cost gap keeps growing by ``cost_drift``; it "
        "then holds.",
        0,
        100,
        group="money",
    )
    cost_spread: float = _param(
        Kind.FLOAT,
        COST_SPREAD_CALIBRATED,
        "share of budget (sd)",
        "calibrated with acute_cost_gap (experiments/cost_gaps.py) to the 2015/16 shares in "
        "deficit: 85% of acute trusts (NAO 2016) and about 40% of the others (DERIVED, "
        "King's Fund); STP deficits per head varied 3.5-fold (£216-£769, IPPR 2016)",
        "Spread across bodies of their structural cost gap (demand over funding growth is the "
        "mean): some bodies are in surplus, most in deficit.",
        0.0,
        0.1,
        group="money",
    )
    acute_cost_gap: float = _param(
        Kind.FLOAT,
        ACUTE_GAP_CALIBRATED,
        "share of income",
        "calibrated with cost_spread (experiments/cost_gaps.py): in 2015/16 85% of acute "
        "trusts were in deficit (NAO 2016) and nearly three-quarters of the 66% of trusts "
        "in deficit were acute (King's Fund, 'Trusts in deficit'), so about 40% of the other "
        "trusts were (DERIVED); the two values put the fortress preset's trusts there in "
        "2015/16. King's Fund 2016: mental health and community providers' relatively "
        "strong results",
        "How much further acute trusts' costs outrun their income than other NHS trusts' "
        "(mental health, community, ambulance): the providers' deficit falls mostly on acute "
        "hospitals. It moves the split, not the sum: the providers' budget-weighted mean gap "
        "is unchanged.",
        0.0,
        0.2,
        group="money",
    )
    cost_shock: float = _param(
        Kind.FLOAT,
        0.01,
        "share of budget (sd)",
        "assumption: year-to-year variation in costs (winter pressures, one-off items)",
        "Random variation in each body's costs from one year to the next.",
        0.0,
        0.05,
        group="money",
    )
    # --- 6. Pooled budgets and fund rules ---------------------------------------
    bcf_minimum_share: float = _param(
        Kind.FLOAT,
        0.15,
        "share of CCG budget",
        "calibration §2: the 2016/17 Better Care Fund minimum took £3.519bn from CCG "
        "allocations (4.8% of about £73bn); a model CCG's budget is what it does not pay "
        "to NHS trusts (structure.MEAN_BUDGET: £23.4bn in all), so 3.519 / 23.4 = 15% "
        "(DERIVED); [004] 'not new money but a pooling of existing resources'",
        "The Better Care Fund's mandatory minimum from CCGs: existing spending counted in "
        "the fund, moving no money and making no new savings; while it is above 0, planning "
        "and pooling it is joint working that builds trust on CCG-council links (NAO 2017: "
        "90% of areas said the fund improved joint working).",
        0.0,
        0.3,
        group="funds",
    )
    bcf_council_share: float = _param(
        Kind.FLOAT,
        0.0225,
        "share of council budget",
        "calibration §2: the disabled facilities grant, £394m in 2016/17, paid into the fund "
        "through councils, on adult social care of £17.5bn (DERIVED: 2.25%)",
        "The part of the Better Care Fund's minimum that comes through councils.",
        0.0,
        0.3,
        group="funds",
    )
    care_precept: float = _param(
        Kind.FLOAT,
        0.022,
        "share of council care budget",
        "calibration §2: the adult social care precept (2% of council tax) raised £382m in "
        "2016/17, on adult social care of £17.5bn (DERIVED: 2.2%); held at that year's level, "
        "as councils' cost gap does not grow in the model (only trusts': cost_drift)",
        "Councils' extra income for adult social care from the social care precept (it pays "
        "for care without raising its cost).",
        0.0,
        0.1,
        group="money",
    )
    improved_bcf: float = _param(
        Kind.FLOAT,
        0.058,
        "share of council care budget",
        "calibration §2: the improved Better Care Fund, £1.01bn new money to councils in "
        "2017/18, on adult social care of £17.5bn (DERIVED: 5.8%), from year 2",
        "New money paid to councils for adult social care from the game's second year (2017/18).",
        0.0,
        0.3,
        group="money",
    )
    activity_payment: float = _param(
        Kind.FLOAT,
        0.7,
        "share of acute savings",
        "[004] payment mechanisms not aligned across the system (payment by activity)",
        "Share of an acute trust's savings that goes to the commissioner as lower activity payments.",
        0.0,
        1.0,
        group="funds",
    )
    risk_share: float = _param(
        Kind.FLOAT,
        0.0,
        "share of deficit pooled",
        "[004] local risk-sharing agreements; calibration §2 Torbay £400m pooled budget with risk share",
        "Share of each body's surplus or deficit spread across its footprint by budget.",
        0.0,
        1.0,
        group="funds",
    )
    incentive_fund: float = _param(
        Kind.FLOAT,
        0.0,
        "share of footprint budget per year",
        "[002] financial incentives for partnerships that demonstrate integration; "
        "calibration §2: BCF performance pot up to £1bn",
        "Yearly reward to footprints that pool at least the incentive threshold.",
        0.0,
        0.05,
        group="funds",
    )
    incentive_threshold: float = _param(
        Kind.FLOAT,
        0.5,
        "pooled share of discretionary budget",
        "[002]; calibration §2: BCF performance pot conditions",
        "Pooled share a footprint must reach to earn the incentive fund.",
        0.0,
        1.0,
        group="funds",
    )
    transformation_fund: float = _param(
        Kind.FLOAT,
        0.0,
        "share of contribution",
        "[004] transformation money for double running; calibration §2: £1.5-2.1bn/yr needed",
        "Share of each voluntary contribution paid by national transformation money.",
        0.0,
        1.0,
        group="funds",
    )
    transformation_years: int = _param(
        Kind.INT,
        5,
        "rounds",
        "[004]; calibration §2: transformation fund £1.5-2.1bn/yr needed to 2020/21 (5 years)",
        "Years the transformation money lasts.",
        0,
        100,
        group="funds",
    )
    gain_share: float = _param(
        Kind.FLOAT,
        0.0,
        "share of realised savings",
        "[004] local risk- and gain-sharing agreements; calibration §5 (Salford Alliance "
        "Agreement)",
        "Share of the savings landing in a footprint returned to the bodies that pooled the "
        "money that made them, in proportion to what each pooled.",
        0.0,
        1.0,
        group="funds",
    )
    # --- 7. Relationships and behaviour -----------------------------------------
    trust_gain: float = _param(
        Kind.FLOAT,
        0.15,
        "per round",
        "[004] relationships built by joint working (assumption)",
        "How fast trust grows when both partners pool.",
        0.0,
        1.0,
        group="behaviour",
    )
    trust_loss: float = _param(
        Kind.FLOAT,
        0.3,
        "per round",
        "Slovic (1993) asymmetry principle: trust is lost faster than it is built",
        "How fast trust erodes when one partner withholds while the other pools.",
        0.0,
        1.0,
        group="behaviour",
    )
    trust_decay: float = _param(
        Kind.FLOAT,
        0.05,
        "per round",
        "[004] relationships are built by joint working (assumption: unused relationships fade)",
        "How fast trust fades on a link where neither partner pools.",
        0.0,
        1.0,
        group="behaviour",
    )
    cultural_barrier: float = _param(
        Kind.FLOAT,
        0.3,
        "share of trust gain lost",
        "[001] professional and cultural boundaries; [000] 56% of GPs rate relations poor",
        "How much slower trust grows between health and council staff.",
        0.0,
        1.0,
        group="behaviour",
    )
    initial_trust_shift: float = _param(
        Kind.FLOAT,
        0.0,
        "trust units",
        "[002] CIPFA survey: 25% limited, 54% reasonable, 21% very strong",
        "Moves every starting relationship up or down from the surveyed mix.",
        -0.5,
        0.5,
        group="behaviour",
    )
    leadership_turnover: float = _param(
        Kind.FLOAT,
        0.15,
        "probability per year",
        "[004] changing leadership is a barrier (rate: assumption, ~6-7 year tenure)",
        "Chance a body's leader changes in a year: its partners' trust falls to a "
        "stranger's, while its books and estimates stay.",
        0.0,
        1.0,
        group="behaviour",
    )
    firefighting: float = _param(
        Kind.FLOAT,
        0.0,
        "probability",
        "[001] staff 'firefighting' to keep existing services running. Off by default: "
        "budget pressure already reaches decisions through the balanced-budget rule, "
        "control totals, penalties and bail-outs in the payoff",
        "Optional extra behavioural rule: chance a body in deficit withholds to protect its "
        "own budget, reached at a deficit of 3.2% of budget (the 2015/16 provider deficit).",
        0.0,
        1.0,
        group="behaviour",
    )
    # --- 11. Decision rules -----------------------------------------------------
    noise: float = _param(
        Kind.FLOAT,
        0.02,
        "probability",
        "Axelrod (1984); Nowak & Sigmund (1993) noisy games",
        "Chance a body's level comes out as a random level rather than the one it meant (a "
        "mistake).",
        0.0,
        0.5,
        group="strategy",
    )
    learning_rate: float = _param(
        Kind.FLOAT,
        0.2,
        "-",
        "Sutton & Barto (2018) stateless Q-learning",
        "How fast learning bodies update their value of pooling and withholding.",
        0.0,
        1.0,
        group="strategy",
    )
    foregone_weight: float = _param(
        Kind.FLOAT,
        1.0,
        "-",
        "Camerer & Ho (1999) Econometrica 67(4): delta, the weight of foregone payoffs "
        "(0 = pure reinforcement, 1 = belief learning, which finds a dominant move "
        "despite year-to-year noise)",
        "How much a learning body updates the levels it did not choose from its finance "
        "team's estimate of what they would have earned.",
        0.0,
        1.0,
        group="strategy",
    )
    choice_precision: float = _param(
        Kind.FLOAT,
        7.0,
        "log-odds per £ of return per £ free",
        "Quantal response (McKelvey & Palfrey 1995, GEB 10:6; Camerer & Ho 1999 fit such "
        "precisions). Calibrated: with a return of -£0.70 per £ (MPCR 0.3) it gives an average "
        "level near 0.1, the late-round contributions of public-goods experiments (Ledyard "
        "1995; Isaac, Walker & Williams 1994)",
        "How sharply a learning body prefers the level its estimates favour (0: a random level).",
        0.0,
        100.0,
        group="strategy",
    )
    estimate_error: float = _param(
        Kind.FLOAT,
        0.5,
        "£ per £ pooled (sd)",
        "Assumption: half the width of the evidence on returns (calibration §5, sceptical to "
        "hopeful); plans ran on 'optimism rather than evidence' (BCF: £1bn planned, £55m "
        "after stress-testing). Shrinks as 1/sqrt(1 + years of pooling)",
        "Error of a finance team's estimate of what a pound pooled returns to its body, "
        "before any experience of pooling.",
        0.0,
        5.0,
        group="strategy",
    )
    imitation_rate: float = _param(
        Kind.FLOAT,
        0.5,
        "probability",
        "[004] 'peer support'; Nowak & May (1992) imitation of better-performing neighbours",
        "Chance a body copies a better-performing peer's action.",
        0.0,
        1.0,
        group="strategy",
    )
    trust_threshold: float = _param(
        Kind.FLOAT,
        0.45,
        "trust",
        "brief mechanism 11 (assumption)",
        "Trust a 'trusted partners' body needs before it pools.",
        0.0,
        1.0,
        group="strategy",
    )
    history_years: int = _param(
        Kind.INT,
        0,
        "years",
        "calibration §2: the Better Care Fund's pooled budgets began in April 2015 (£3.8bn "
        "minimum, £5.3bn pooled in 2015/16); the Sustainability and Transformation Fund, "
        "control totals and the social care precept began in 2016/17. The England presets "
        "play 2015/16 (1), so that 2016/17 (year 1) is not the bodies' first year of pooling",
        "Years played before year 1 and not recorded, under the preset's rules without the "
        "institutions that began in 2016/17 (no sustainability money, control totals, "
        "precept or improved BCF; no transformation money either): the bodies start year 1 "
        "with that experience (their books, estimates and relationships). Any other rule a "
        "preset or a change sets (an incentive fund, a system rating) acts in those years too.",
        0,
        10,
        group="game",
    )
    initial_cooperation: float = _param(
        Kind.FLOAT,
        0.5,
        "level",
        "[002] 90% say integration is critical (assumption: half, rounded to a level)",
        "Level a learning or imitating body pools before it has any experience.",
        0.0,
        1.0,
        group="strategy",
    )
    generosity: float = _param(
        Kind.FLOAT,
        1 / 3,
        "probability",
        "Nowak & Sigmund (1992) Nature 355:250: forgive with probability "
        "min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3 for Axelrod's payoffs",
        "Chance a generous tit-for-tat body forgives partners who withheld.",
        0.0,
        1.0,
        group="strategy",
    )
    strategy_acute: str = _param(
        Kind.MIX,
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of acute trusts.",
        group="strategy",
    )
    strategy_community: str = _param(
        Kind.MIX,
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of community and mental-health trusts.",
        group="strategy",
    )
    strategy_ccg: str = _param(
        Kind.MIX,
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of CCGs.",
        group="strategy",
    )
    strategy_council: str = _param(
        Kind.MIX,
        _DEFAULT_MIX,
        "-",
        "brief mechanism 11",
        "Strategy mix of councils.",
        group="strategy",
    )
    # --- Outcome conversion ------------------------------------------------------
    cost_per_admission: float = _param(
        Kind.FLOAT,
        2400.0,
        "£",
        "calibration §3: ≈ £2,400 per emergency admission (DERIVED from NAO)",
        "Converts savings and shifted costs into emergency admissions.",
        100.0,
        20000.0,
        group="outcomes",
    )
    cost_per_bed_day: float = _param(
        Kind.FLOAT,
        313.0,
        "£",
        "calibration §3: excess bed day reference cost £313 (2016/17)",
        "Converts savings and council cuts into delayed-transfer bed days.",
        50.0,
        2000.0,
        group="outcomes",
    )

    @classmethod
    def build(
        cls,
        values: Mapping[str, object] | None = None,
        base: Params | Mapping[str, object] | None = None,
    ) -> Params:
        """``base`` (or the defaults) updated by ``values``, every value checked.

        Raises :class:`ParameterError` for an unknown name, a wrong type, a value out of
        range, NaN/inf, or settings that contradict each other.
        """
        if isinstance(base, Params):
            out = base.as_dict()
        else:
            out = dict(DEFAULTS)
            for name, value in (base or {}).items():
                out[name] = _checked(name, value)
        for name, value in (values or {}).items():
            out[name] = _checked(name, value)
        made = cls(**out)
        made._check_consistent()
        return made

    def replace(self, **changes: object) -> Params:
        """A copy with ``changes`` applied and checked."""
        return Params.build(changes, base=self)

    def as_dict(self) -> dict[str, Any]:
        """Every parameter by name (for files, manifests and tables)."""
        return asdict(self)

    def _check_consistent(self) -> None:
        total = sum(float(getattr(self, k)) for k in SAVINGS_SHARES)
        if abs(total - 1.0) > 1e-6:
            raise ParameterError(
                "savings_to_*",
                "shares that add up to 1",
                {k: getattr(self, k) for k in SAVINGS_SHARES},
                f"they add up to {total:g}",
            )
        if self.structure == "england" and self.n_footprints not in (0, 44):
            raise ParameterError(
                "n_footprints",
                "0 or 44 when structure='england'",
                self.n_footprints,
                "England has 44 STP footprints",
            )


PARAMS: tuple[Param, ...] = tuple(Param(f.name, **f.metadata["param"]) for f in fields(Params))
"""Every parameter, in the order ``Params`` declares them."""
BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
DEFAULTS: dict[str, object] = {p.name: p.default for p in PARAMS}
SAVINGS_SHARES = tuple(f"savings_to_{t}" for t in ORG_TYPES)
STRATEGY_PARAMS = tuple(f"strategy_{t}" for t in ORG_TYPES)


def _checked(name: str, value: object) -> object:
    if name not in BY_NAME:
        raise ParameterError(name, "a known parameter (see `stpgame params`)", value, _close(name))
    return BY_NAME[name].coerce(value)


def from_text(values: Mapping[str, str]) -> dict[str, object]:
    """Command-line text (``--set noise=0.1``) as typed values: numbers and switches are read
    from their text and checked; choices, mixes and unknown names pass on unchanged to
    :meth:`Params.build`, which checks them (and names an unknown one)."""
    out: dict[str, object] = {}
    for name, value in values.items():
        param = BY_NAME.get(name)
        if param is not None and param.kind in (Kind.BOOL, Kind.FLOAT, Kind.INT):
            out[name] = param.coerce(value, text=True)
        else:
            out[name] = value
    return out


def check_seed(seed: object) -> int | None:
    """A seed is ``None`` (fresh entropy) or a whole number >= 0."""
    return checks.seed(seed)


def validate(
    values: Mapping[str, object], base: Params | Mapping[str, object] | None = None
) -> Params:
    """Shorthand for :meth:`Params.build`."""
    return Params.build(values, base)


def _close(name: str) -> str:
    import difflib

    match = difflib.get_close_matches(name, BY_NAME, n=1)
    return f"unknown parameter; did you mean '{match[0]}'?" if match else "unknown parameter"


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
