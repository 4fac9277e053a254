"""Every output the model reports, named once: label, unit, description and level.

The model's recorder, experiment tables (Parquet schema metadata), figures, the app and the
docs all read this registry, so an output is added, renamed or relabelled in one place.
Light on purpose (no Mesa or pandas import). ``python -m stpgame.core.outputs`` prints
docs/outputs.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from stpgame.core.params import BY_NAME, ORG_TYPES


@dataclass(frozen=True)
class Output:
    """One reported quantity.

    ``level`` is ``"year"`` (one value per year for the whole model) or ``"organisation"``
    (one value per organisation per year). ``share`` marks a fraction in [0, 1] that people
    read as a percentage.
    """

    name: str
    label: str
    unit: str
    description: str
    level: str
    share: bool = False

    @property
    def percent(self) -> bool:
        """Shown as a percentage: a share, or a quantity measured as a share of something."""
        return self.share or percent_unit(self.unit) is not None

    @property
    def scale(self) -> float:
        """Multiply stored values by this to show them in :meth:`display_unit`."""
        return 100.0 if self.percent else 1.0

    def display_unit(self) -> str:
        """The unit as people read it: ``'% of organisations'`` for a share of organisations."""
        if not self.percent:
            return "" if self.unit == "-" else self.unit
        return percent_unit(self.unit) or "%"

    def axis_label(self) -> str:
        """``'Collective welfare (£m per year)'``; shares say ``%`` (values times :attr:`scale`)."""
        unit = self.display_unit()
        return f"{self.label} ({unit})" if unit else self.label

    def metadata(self) -> dict[str, str]:
        """Arrow field metadata for a column holding this quantity (as stored, not scaled)."""
        return {"label": self.label, "unit": self.unit, "description": self.description}


def percent_unit(unit: str) -> str | None:
    """The unit of a fraction rewritten for values times 100, or None if it is no fraction.

    ``'share of organisations'`` -> ``'% of organisations'``; ``'per year'`` (a rate) ->
    ``'% per year'``; ``'probability per year'`` -> ``'% chance per year'``.
    """
    words = unit.split()
    if "share" in words:
        return " ".join("%" if w == "share" else w for w in words)
    if words and words[0] == "per":
        return f"% {unit}"
    if words and words[0] == "probability":
        return " ".join(["% chance", *words[1:]])
    return None


_YEAR = (
    Output("round", "Year", "year", "Financial year of the game (1 = first played year).", "year"),
    Output(
        "cooperation_rate",
        "Cooperation",
        "share of organisations",
        "Share of organisations that pooled at least half of what they were free to pool.",
        "year",
        share=True,
    ),
    Output(
        "pooled_share",
        "Pooled budget",
        "share of discretionary budget",
        "Money pooled this year over all organisations' discretionary budgets.",
        "year",
        share=True,
    ),
    Output(
        "bcf_pool",
        "Better Care Fund",
        "£m per year",
        "The fund's size: the mandatory minimum (existing spending counted in it) plus what "
        "bodies pooled by choice.",
        "year",
    ),
    Output(
        "support_loans",
        "Support loans owed",
        "£m",
        "Revenue support loans the NHS bodies owe at the end of the year.",
        "year",
    ),
    Output(
        "loan_interest",
        "Interest on support loans",
        "£m per year",
        "Interest charged this year on the support loans owed.",
        "year",
    ),
    Output(
        "system_balance",
        "System financial balance",
        "£m per year",
        "Sum of every organisation's balance after penalties, bail-outs and central money.",
        "year",
    ),
    Output(
        "collective_welfare",
        "Collective welfare",
        "£m per year",
        "Income - costs - pooled money + savings - cost shifted by council cuts, all bodies.",
        "year",
    ),
    Output(
        "full_cooperation_welfare",
        "Welfare if all cooperated",
        "£m per year",
        "Collective welfare of the same places, rules and shocks with every body pooling.",
        "year",
    ),
    Output(
        "price_of_fortress",
        "Price of fortress behaviour",
        "£m per year",
        "Welfare if all cooperated minus collective welfare (negative: pooling costs more "
        "than it saves).",
        "year",
    ),
    Output(
        "cumulative_price_of_fortress",
        "Cumulative price of fortress",
        "£m",
        "Price of fortress behaviour summed over the years played.",
        "year",
    ),
    Output(
        "mean_individual_score",
        "Mean regulatory score",
        "judged balance, share of budget",
        "Mean over organisations of the score the regulator gives each one.",
        "year",
    ),
    Output(
        "emergency_admissions",
        "Emergency admissions",
        "admissions per year",
        "Emergency admissions in all footprints (grow with demand; savings avoid some, "
        "shifted cost adds some).",
        "year",
    ),
    Output(
        "delayed_bed_days",
        "Delayed-transfer bed days",
        "days per year",
        "Delayed-transfer bed days in all footprints (grow with demand; council cuts add some).",
        "year",
    ),
    Output(
        "patient_outcome_index",
        "Patient outcome index",
        "100 = demand trend without pooling or cuts",
        "Population-weighted index of admissions and delayed days against their demand trend.",
        "year",
    ),
    Output("mean_trust", "Mean trust", "0 = none, 1 = full", "Mean trust over links.", "year"),
    Output(
        "sucker_share",
        "Suckers",
        "share of organisations",
        "Share of organisations that pooled while most of their partners withheld.",
        "year",
        share=True,
    ),
    Output(
        "councils_cutting",
        "Councils cutting services",
        "share of councils",
        "Share of councils forced by the balanced-budget rule to cut services this year.",
        "year",
        share=True,
    ),
    Output(
        "council_cuts", "Council cuts", "£m per year", "Services councils cut to balance.", "year"
    ),
    Output(
        "nhs_in_deficit",
        "NHS bodies in deficit",
        "share of NHS bodies",
        "Share of trusts and CCGs ending the year in deficit.",
        "year",
        share=True,
    ),
    Output(
        "nhs_deficit",
        "NHS deficit",
        "£m per year",
        "Sum of NHS bodies' deficits after penalties, bail-outs and central money.",
        "year",
    ),
    Output(
        "control_totals_met",
        "Control totals met",
        "share of control totals",
        "Share of control totals met: one per NHS body (individual) or per footprint (system).",
        "year",
        share=True,
    ),
    Output(
        "central_money",
        "Sustainability fund paid",
        "£m per year",
        "Central money paid for meeting control totals (STF/PSF, calibration §2).",
        "year",
    ),
    Output("penalties", "Regulatory penalties", "£m per year", "Money withheld.", "year"),
    Output("bailouts", "Bail-outs", "£m per year", "Central cash support to NHS bodies.", "year"),
    Output(
        "incentives",
        "Incentive payments",
        "£m per year",
        "Incentive fund paid to footprints that pooled enough [002].",
        "year",
    ),
    Output(
        "gain_shared",
        "Savings shared back",
        "£m per year",
        "Realised savings returned to contributors under a gain-sharing agreement.",
        "year",
    ),
    Output(
        "transformation_money",
        "Transformation money",
        "£m per year",
        "National money paying part of voluntary contributions while it lasts [004].",
        "year",
    ),
)

_ORG = (
    Output("round", "Year", "year", "Financial year.", "organisation"),
    Output("org_id", "Organisation", "index", "Organisation's index in the model.", "organisation"),
    Output("org_type", "Type", "-", "acute, community, ccg or council.", "organisation"),
    Output("footprint", "Footprint", "-", "The organisation's STP footprint.", "organisation"),
    Output("strategy", "Strategy", "-", "Its decision rule (autopilot).", "organisation"),
    Output(
        "pooled",
        "Pooling",
        "share of organisations",
        "Pooled at least half of what it was free to pool.",
        "organisation",
        share=True,
    ),
    Output(
        "level",
        "Pooling level",
        "0 = none, 1 = all",
        "Share of its free discretionary money it meant to pool.",
        "organisation",
    ),
    Output(
        "contribution",
        "Contribution",
        "£m per organisation per year",
        "Money it put into the pool (including any mandatory minimum).",
        "organisation",
    ),
    Output(
        "savings",
        "Savings received",
        "£m per organisation per year",
        "Savings from pooled spending that landed in its books this year.",
        "organisation",
    ),
    Output(
        "cut",
        "Cuts",
        "£m per organisation per year",
        "Services a council cut to balance its budget.",
        "organisation",
    ),
    Output(
        "penalty",
        "Penalty",
        "£m per organisation per year",
        "Money withheld for a judged deficit.",
        "organisation",
    ),
    Output(
        "bailout",
        "Bail-out",
        "£m per organisation per year",
        "Cash support for a remaining deficit.",
        "organisation",
    ),
    Output(
        "central_money",
        "Sustainability fund",
        "£m per organisation per year",
        "Central money received for meeting its (or its footprint's) control total.",
        "organisation",
    ),
    Output(
        "balance",
        "Own balance",
        "£m per organisation per year",
        "Its surplus (+) or deficit (-) for the year.",
        "organisation",
    ),
    Output(
        "cumulative_balance",
        "Cumulative own balance",
        "£m per organisation",
        "Its balances summed over the years played.",
        "organisation",
    ),
    Output(
        "score",
        "Regulatory score",
        "judged balance, share of budget",
        "What the regulator scores it on this year.",
        "organisation",
    ),
    Output(
        "payoff",
        "Appraised payoff",
        "share of budget",
        "How the body appraises its year (what learners learn from).",
        "organisation",
    ),
    Output(
        "sucker",
        "Suckers",
        "share of organisations",
        "Pooled while most partners withheld.",
        "organisation",
        share=True,
    ),
    Output(
        "forced_cut",
        "Could not afford to pool",
        "share of organisations",
        "A council that meant to pool more than its balanced budget allowed.",
        "organisation",
        share=True,
    ),
    Output(
        "trust",
        "Trust in partners",
        "0 = none, 1 = full",
        "Mean trust on its links.",
        "organisation",
    ),
    Output(
        "rating",
        "Rating",
        "segment 1-4",
        "Single Oversight Framework segment its score falls in.",
        "organisation",
    ),
)

REGISTRY: dict[str, Output] = {o.name: o for o in _YEAR}
ORG_REGISTRY: dict[str, Output] = {o.name: o for o in _ORG}

MODEL_OUTPUTS: tuple[str, ...] = tuple(REGISTRY)
"""One row per year (STPModel.model_dataframe)."""
MODEL_VALUES: tuple[str, ...] = MODEL_OUTPUTS[1:]
"""The model outputs without ``round``: the values an experiment can keep."""
ORG_OUTPUTS: tuple[str, ...] = tuple(ORG_REGISTRY)
"""One row per organisation per year (STPModel.org_dataframe)."""
ORG_VALUES: tuple[str, ...] = ORG_OUTPUTS[5:-1]
"""Per organisation per year: what an experiment can average by type."""

# -- real places (stpgame.places): what org_dataframe() adds for a real footprint --------
PLACE_REGISTRY: dict[str, Output] = {
    o.name: o
    for o in (
        Output(
            "org_name", "Name", "-", "The organisation's own name (real places).", "organisation"
        ),
        Output(
            "org_code",
            "Code",
            "-",
            "ONS code (CCGs E38, councils E06/E08/E09/E10) or NHS ODS code (trusts) (real places).",
            "organisation",
        ),
        Output(
            "footprint_code",
            "Footprint code",
            "-",
            "The footprint's ONS E54 code (real places).",
            "organisation",
        ),
    )
}
PLACE_OUTPUTS: tuple[str, ...] = tuple(PLACE_REGISTRY)
"""Added after ORG_OUTPUTS by ``org_dataframe()`` when the footprints are real places."""
# ------------------------------------------------------------------------------------------


STATISTICS: dict[str, tuple[str, str]] = {
    "final": ("final year", "Its value in the run's final year."),
    "mean": ("mean over years", "Its mean over the run's played years (1 to the last, not 0)."),
}
"""Per-run statistics of a series (experiment ``runs`` tables): label and description."""


def describe(name: str) -> Output:
    """The registry entry of a column: a year output, an organisation output,
    ``<org output>_<type>`` (a mean per organisation type) or ``<any of those>_<statistic>``
    (``final`` or ``mean``, one value per run). KeyError for anything else.
    """
    if name in REGISTRY:
        return REGISTRY[name]
    if name in ORG_REGISTRY:
        return ORG_REGISTRY[name]
    if name in PLACE_REGISTRY:
        return PLACE_REGISTRY[name]
    column, _, suffix = name.rpartition("_")
    if suffix in STATISTICS and column:
        series = describe(column)
        when, sentence = STATISTICS[suffix]
        return Output(
            name,
            f"{series.label}, {when}",
            series.unit,
            f"{series.description} {sentence}",
            "run",
            series.share,
        )
    org_type = suffix
    if column not in ORG_VALUES or org_type not in ORG_TYPES:
        raise KeyError(name)
    base = ORG_REGISTRY[column]
    return Output(
        name,
        f"{base.label}: {org_type}",
        base.unit.replace(" per organisation", ""),
        f"{base.description} Mean over {org_type} organisations.",
        "year",
        base.share,
    )


_ACRONYMS = {"bcf": "BCF", "ccg": "CCG", "nhs": "NHS", "stp": "STP"}


def parameter(name: str) -> Output:
    """A model parameter described like an output, for axes and table metadata.

    Label from the name (``'Funding growth'``), unit and description from params.py.
    KeyError for an unknown name.
    """
    p = BY_NAME[name]
    words = [_ACRONYMS.get(w, w) for w in name.split("_")]
    label = " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])
    # only a float can be a fraction: 'rounds' or 'footprints' never are
    percent = p.kind == "float" and percent_unit(p.unit) is not None
    return _Parameter(name, label, p.unit, p.help, "parameter", False, percent)


@dataclass(frozen=True)
class _Parameter(Output):
    as_percent: bool = False

    @property
    def percent(self) -> bool:
        return self.as_percent


def column(name: str) -> Output:
    """What a table column holds: an output (see :func:`describe`) or a parameter."""
    try:
        return describe(name)
    except KeyError:
        if name in BY_NAME:
            return parameter(name)
        raise


def markdown_table() -> str:
    """The registry as Markdown: docs/outputs.md is this text (a test keeps them equal)."""
    lines = [
        "# Outputs",
        "",
        "Generated by `python -m stpgame.core.outputs` from `stpgame/core/outputs.py`;",
        "a test keeps it in step with the code. Shares are stored as fractions (0 to 1) and",
        "shown in figures as percentages. Experiment tables keep a year output as one column",
        "per year, an organisation output as `<output>_<type>` (its mean over the",
        "organisations of one type), and per run as `<column>_final` (final year) and",
        "`<column>_mean` (mean over years 1 to the last). Their per-year tables start with",
        "year 0, the state before year 1's decision: only `mean_trust`, `trust` (as the",
        "bodies start year 1, after any years played before it: `history_years`),",
        "`cumulative_price_of_fortress` and `cumulative_balance` (0) have a",
        "value there; every other output is a flow of a played year, missing (NaN) in year 0.",
        "Every Parquet column carries its label, unit and description in the Arrow field",
        "metadata.",
    ]
    for title, registry in (
        ("Per year (`model.parquet`, experiment `rounds.parquet`)", REGISTRY),
        ("Per organisation per year (`agents.parquet`)", ORG_REGISTRY),
        ("Real places only, after those (`agents.parquet`; docs/places.md)", PLACE_REGISTRY),
    ):
        lines += ["", f"## {title}", "", "| output | label | unit | shown as | meaning |"]
        lines.append("|---|---|---|---|---|")
        for o in registry.values():
            cells = [f"`{o.name}`", o.label, o.unit, o.display_unit(), o.description]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
