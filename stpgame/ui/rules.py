"""Which model parameters the page lets people move, named in the room's language.

Ranges, defaults, help text and sources all come from ``stpgame.core.params`` (one
table for the API, the CLI and the browser); this module only adds the label a
workshop room understands, how to show the value, and the slider step.
"""

from __future__ import annotations

from dataclasses import dataclass

from stpgame import strategies
from stpgame.core.params import BY_NAME, ORG_TYPES, Param
from stpgame.errors import ParameterError


@dataclass(frozen=True)
class Rule:
    """A parameter the page lets people move: its label in the room's words, format and step."""

    name: str  # the model parameter
    label: str  # what the room calls it
    fmt: str  # "percent" | "pounds" | "years" | "weight" | "number" | "bool" | "choice"
    step: float | None = None

    @property
    def param(self) -> Param:
        """The parameter's definition (range, default, help, source)."""
        return BY_NAME[self.name]

    @property
    def low(self):
        """Lowest allowed value."""
        return self.param.low

    @property
    def high(self):
        """Highest allowed value."""
        return self.param.high

    @property
    def slider_step(self) -> float:
        """Slider step: 1 for whole numbers, else the given step or a hundredth of the range."""
        if self.param.kind == "int":
            return 1
        return self.step or (self.high - self.low) / 100

    @property
    def tooltip(self) -> str:
        """The parameter's help text and its source, for the tooltip."""
        p = self.param
        return f"{p.help} Source: {p.source}."


# The rules people argue about, in the order the sidebar shows them.
MAIN_RULES: tuple[Rule, ...] = (
    Rule("control_total", "Control totals: each body's own, or one per footprint", "choice"),
    Rule("sustainability_fund", "Sustainability money for meeting the total", "percent", 0.0025),
    Rule("funding_growth", "Funding growth a year", "percent", 0.001),
    Rule("demand_growth", "Demand growth a year", "percent", 0.001),
    Rule("bcf_minimum_share", "Better Care Fund: minimum from CCG budgets", "percent", 0.01),
    Rule("incentive_fund", "Reward for areas that pool (share of budget)", "percent", 0.0025),
    Rule("risk_share", "Risk share: surpluses and deficits shared", "percent", 0.05),
    Rule("savings_multiplier", "£ saved per £ pooled", "pounds", 0.05),
    Rule("savings_lag", "Years before pooling pays off", "years"),
    Rule("leadership_turnover", "Leaders changing each year", "percent", 0.01),
    Rule("noise", "Mistakes: chance an action comes out wrong", "percent", 0.01),
)

# Further rules, behind a "More rules" panel.
MORE_RULES: tuple[Rule, ...] = (
    Rule("council_balanced_budget", "Councils must balance their budget (s114)", "bool"),
    Rule("system_weight", "Blended rating: own books ↔ whole system", "weight", 0.05),
    Rule("gain_share", "Savings shared back to those who pooled", "percent", 0.05),
    Rule("breach_penalty", "Penalty per £ of NHS deficit", "pounds", 0.05),
    Rule("bailout_share", "Share of NHS deficits bailed out", "percent", 0.05),
    Rule("target_pressure", "NHS budget held back for central targets", "percent", 0.05),
    Rule("outcome_weight", "Weight of patient outcomes in ratings", "percent", 0.05),
    Rule("cost_shift_rate", "NHS cost per £ a council cuts", "pounds", 0.05),
    Rule("activity_payment", "Acute savings lost as lower activity payments", "percent", 0.05),
    Rule("incentive_threshold", "Pooled share needed to earn the reward", "percent", 0.05),
    Rule("transformation_fund", "Transformation money for double running", "percent", 0.05),
    Rule("firefighting", "Bodies in deficit 'firefighting' (withholding)", "percent", 0.05),
    Rule("trust_gain", "How fast trust grows", "number", 0.05),
    Rule("trust_loss", "How fast trust is lost", "number", 0.05),
)

RULES: dict[str, Rule] = {r.name: r for r in MAIN_RULES + MORE_RULES}
STRATEGY_PARAM = {t: f"strategy_{t}" for t in ORG_TYPES}


def rule(name: str) -> Rule:
    """The rule for a parameter name; ParameterError lists the ones the page offers."""
    if name not in RULES:
        raise ParameterError("rule", "one of " + ", ".join(RULES), name)
    return RULES[name]


def format_value(name: str, value: object) -> str:
    """A rule's value as the room reads it, e.g. 0.011 -> '1.1%', 1.5 -> '£1.50'."""
    fmt = rule(name).fmt
    if fmt == "choice":
        return {"individual": "each body its own", "system": "one per footprint"}.get(
            str(value), str(value)
        )
    if fmt == "bool":
        return "yes" if value else "no"
    x = float(value)  # type: ignore[arg-type]  # a number: the rule's format says so
    if fmt == "percent":
        return f"{x:.1%}" if abs(x) < 0.1 and x != 0 else f"{x:.0%}"
    if fmt == "pounds":
        return f"£{x:.2f}"
    if fmt == "years":
        n = int(x)
        return f"{n} year" if n == 1 else f"{n} years"
    if fmt == "weight":
        if x <= 0:
            return "own books only"
        if x >= 1:
            return "whole system only"
        return f"{1 - x:.0%} own books, {x:.0%} whole system"
    return f"{x:g}"


def compose_mix(base_mix: str, strategy: str | None, share: float) -> str:
    """A strategy mix where ``share`` of a type follows ``strategy`` and the rest the base mix.

    ``strategy=None`` keeps the base mix. The result is in canonical form
    (``strategies.parse_mix``), so the model validates it like any other mix.
    """
    if strategy is None:
        return strategies.parse_mix(base_mix)
    if strategy not in strategies.REGISTRY:
        raise ParameterError("strategy", "one of " + ", ".join(strategies.REGISTRY), strategy)
    share = float(share)
    if not 0.0 <= share <= 1.0:
        raise ParameterError("share", "a number in [0, 1]", share)
    weights: dict[str, float] = {strategy: share}
    for name, w in strategies.mix_items(base_mix):
        weights[name] = weights.get(name, 0.0) + w * (1.0 - share)
    return strategies.parse_mix(",".join(f"{n}:{w!r}" for n, w in weights.items() if w > 0))
