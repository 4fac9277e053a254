"""The rules in plain words, the facilitator's events, and ready session plans.

A workshop room changes its game only through rule changes (``Room.change_rules``,
which calls ``STPModel.change_rules``: money, trust and memory carry on). The
facilitator's *events* are named, documented rule changes of existing model
parameters, so the model needs nothing new and a room's log replays them
exactly:

- a **winter surge** is one year of faster demand growth and larger cost shocks,
  undone after that year (NHS winter pressures: emergency admissions peak in
  January; NHS England, *A&E attendances and emergency admissions*, 2017);
- a **funding cut** lowers yearly funding growth (as in the "deepening cuts" preset);
- an **incentive offer** pays a yearly reward to footprints that pool at least the
  threshold (the incentive fund of the "Incentive fund for integration" preset);
- a **regulator's intervention** raises the money withheld per pound of NHS deficit
  (NHS Improvement's financial special measures, 2016);
- a **new chief executive** at one body is the model's leadership turnover
  (``leadership_turnover``: partners' trust falls to a stranger's; the books and the
  finance team's estimates stay) applied to
  that body now (``STPModel.new_leaders``); NHS trust chief executives stay about three
  years on average (King's Fund, *Leadership vacancies in the NHS*, 2018).

The HFMA integrated-care game has its facilitators play the commissioner and inject
money and events in the same way; the plans below give three ready shapes of a
session (years, events by year, debrief questions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stpgame.core.params import BY_NAME
from stpgame.ui.rules import RULES, format_value

# The rules a participant sees "in force", in this order (the ones that move money).
IN_FORCE: tuple[str, ...] = (
    "control_total",
    "sustainability_fund",
    "system_weight",
    "bcf_minimum_share",
    "risk_share",
    "gain_share",
    "incentive_fund",
    "breach_penalty",
    "bailout_share",
    "funding_growth",
    "demand_growth",
    "savings_multiplier",
    "savings_lag",
)
CHOICE_WORDS = {
    "individual": "each NHS body its own",
    "system": "one for the whole footprint",
    "none": "none",
}


def label(name: str) -> str:
    """What the room calls parameter ``name`` (its help text when the page has no label)."""
    if name in RULES:
        return RULES[name].label
    if name in BY_NAME:
        return BY_NAME[name].help.split(".")[0]
    return name


def value_words(name: str, value: object) -> str:
    """A parameter's value as the room reads it: 0.2 -> '20%', 'system' -> 'one for the
    whole footprint'."""
    if isinstance(value, str) and value in CHOICE_WORDS:
        return CHOICE_WORDS[value]
    if name in RULES:
        return format_value(name, value)
    if name in BY_NAME and BY_NAME[name].unit == "share" and isinstance(value, int | float):
        return f"{float(value):.0%}"
    return str(value)


def describe_rules(params: Mapping[str, object], before: Mapping[str, object] | None = None) -> str:
    """A rule change in words: 'Control totals: ...: one for the whole footprint (was each NHS
    body its own)'; strategy mixes are the bodies' habits and are left out."""
    if not params:
        return ""
    parts = []
    for name, value in params.items():
        if name.startswith("strategy_"):
            continue
        text = f"{label(name)}: {value_words(name, value)}"
        if before is not None and name in before:
            text += f" (was {value_words(name, before[name])})"
        parts.append(text)
    return "; ".join(parts) if parts else "the bodies' habits (strategy mixes)"


def rules_in_force(value: Callable[[str], object]) -> list[tuple[str, str]]:
    """(label, value in words) for each rule of ``IN_FORCE``; ``value(name)`` reads it."""
    return [(label(name), value_words(name, value(name))) for name in IN_FORCE]


@dataclass(frozen=True)
class Event:
    """Something the facilitator (as the commissioner) can play at any year: a documented
    change of existing parameters, for one year only (``one_year``) or from then on."""

    name: str
    title: str
    explains: str  # shown to the participants when it is played
    change: Callable[[Callable[[str], object]], dict[str, object]]  # current value -> new
    one_year: bool = False
    at_body: bool = False  # played at one body (a new chief executive), not on the rules


def _up(name: str, by: float) -> Callable[[Callable[[str], object]], object]:
    """The parameter raised by ``by``, kept inside its allowed range."""
    high = BY_NAME[name].high
    assert high is not None
    return lambda value: min(high, float(value(name)) + by)  # type: ignore[arg-type]


def _down(name: str, by: float) -> Callable[[Callable[[str], object]], object]:
    low = BY_NAME[name].low
    assert low is not None
    return lambda value: max(low, float(value(name)) - by)  # type: ignore[arg-type]


_demand_up, _shock_up = _up("demand_growth", 0.03), _up("cost_shock", 0.01)
_funding_down = _down("funding_growth", 0.02)
_incentive_up = _up("incentive_fund", 0.01)
_penalty_up = _up("breach_penalty", 0.3)

EVENTS: dict[str, Event] = {
    e.name: e
    for e in (
        Event(
            "winter_surge",
            "Winter surge",
            "A hard winter: demand grows 3 points faster and costs swing more, for this year only.",
            lambda v: {"demand_growth": _demand_up(v), "cost_shock": _shock_up(v)},
            one_year=True,
        ),
        Event(
            "funding_cut",
            "Funding cut",
            "The Treasury cuts the settlement: every body's income grows 2 points a year "
            "slower from now on.",
            lambda v: {"funding_growth": _funding_down(v)},
        ),
        Event(
            "incentive_offer",
            "Incentive offer for pooling",
            "The commissioner offers a reward: footprints that pool at least the threshold "
            "earn an extra 1% of their budget a year.",
            lambda v: {"incentive_fund": _incentive_up(v)},
        ),
        Event(
            "new_chief_executive",
            "New chief executive",
            "A new chief executive arrives: the body's relationships with the others start "
            "again from where they began, and what it had learned is gone.",
            lambda v: {},
            at_body=True,
        ),
        Event(
            "regulator_intervention",
            "Regulator's intervention",
            "The regulator steps in: NHS bodies in deficit lose 30p more per £ of deficit "
            "in penalties from now on.",
            lambda v: {"breach_penalty": _penalty_up(v)},
        ),
    )
}


@dataclass(frozen=True)
class Plan:
    """A ready session: how many years, which event at which year, what to ask at the end."""

    name: str
    title: str
    scenario: str
    years: int
    events: Mapping[int, str]  # year -> event name (played before that year is decided)
    questions: tuple[str, ...]


PLANS: dict[str, Plan] = {
    p.name: p
    for p in (
        Plan(
            "fortress_to_system",
            "Fortress, then one control total (45 min, 8 years)",
            "fortress",
            8,
            {3: "winter_surge", 5: "incentive_offer"},
            (
                "Which body's choice cost the others most, and in pounds?",
                "Did the incentive offer change who pooled? Why or why not?",
                "What would have to be true for your body to pool without being told to?",
            ),
        ),
        Plan(
            "hard_times",
            "Hard times: cuts and a regulator (60 min, 10 years)",
            "fortress",
            10,
            {2: "funding_cut", 4: "winter_surge", 6: "regulator_intervention"},
            (
                "When money got tighter, who stopped pooling first, and what did it do to "
                "the others?",
                "Did the regulator's penalties protect patients or only the books?",
                "Which rule would you change first, and what would it cost?",
            ),
        ),
        Plan(
            "canterbury",
            "Canterbury-style pooling under pressure (45 min, 8 years)",
            "canterbury",
            8,
            {4: "winter_surge", 6: "funding_cut"},
            (
                "Did shared books keep people pooling through the winter?",
                "How much did the footprint give up each year against everyone pooling?",
            ),
        ),
    )
}
