"""Every output the model reports, named once: label, unit, description and level.

The model's recorder, experiment tables (Parquet schema metadata), figures, the app and the
docs all read this registry, so an output is added, renamed or relabelled in one place.
Light on purpose (no Mesa or pandas import).
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def axis_label(self) -> str:
        """``'Collective welfare (£m per year)'``; shares say ``%``."""
        unit = "%" if self.share else self.unit
        return f"{self.label} ({unit})" if unit else self.label


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


def describe(name: str) -> Output:
    """The registry entry of a year output, an organisation output, or ``<org output>_<type>``."""
    if name in REGISTRY:
        return REGISTRY[name]
    if name in ORG_REGISTRY:
        return ORG_REGISTRY[name]
    column, _, org_type = name.rpartition("_")
    base = ORG_REGISTRY.get(column)
    if base is None:
        raise KeyError(name)
    return Output(
        name,
        f"{base.label}: {org_type}",
        base.unit.replace(" per organisation", ""),
        f"{base.description} Mean over {org_type} organisations.",
        "year",
        base.share,
    )
