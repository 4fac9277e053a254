"""Names of the model's outputs, in one light module (no Mesa or pandas import).

The model, the experiment runner and the app all read these, so a new output is
added in one place.
"""

MODEL_OUTPUTS = (  # one row per year (STPModel.model_dataframe)
    "round",
    "cooperation_rate",
    "pooled_share",
    "system_balance",
    "collective_welfare",
    "full_cooperation_welfare",
    "price_of_fortress",
    "cumulative_price_of_fortress",
    "mean_individual_score",
    "emergency_admissions",
    "delayed_bed_days",
    "patient_outcome_index",
    "mean_trust",
    "sucker_share",
    "councils_cutting",
    "council_cuts",
    "nhs_deficit",
    "penalties",
    "bailouts",
    "incentives",
    "transformation_money",
)

MODEL_VALUES = MODEL_OUTPUTS[1:]
"""The model outputs without ``round``: the values an experiment can keep."""

ORG_VALUES = (  # per organisation per year: what an experiment can average by type
    "pooled",
    "level",
    "contribution",
    "savings",
    "cut",
    "penalty",
    "bailout",
    "balance",
    "cumulative_balance",
    "score",
    "payoff",
    "sucker",
    "forced_cut",
    "trust",
)

ORG_OUTPUTS = ("round", "org_id", "org_type", "footprint", "strategy", *ORG_VALUES, "rating")
"""One row per organisation per year (STPModel.org_dataframe)."""
