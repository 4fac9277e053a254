"""Figures for any design (issue 20, item 5): every varied parameter shown, custom outcomes
plotted by name, one figure per policy lever, intervals of shares inside [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest

from stpgame.batch.summary import interval, share_interval, t_interval


def test_a_share_interval_stays_inside_0_1_and_holds_the_mean():
    # issue 20: cooperation 11.57 [-0.54, 23.69] % from a t-interval on the raw scale
    mean, sd, n = np.array([0.1157, 0.5, 0.98]), np.array([0.098, 0.3, 0.05]), np.array(3)
    raw_low, _ = t_interval(mean, sd, n)
    assert raw_low[0] < 0  # the old interval leaves [0, 1]
    low, high = share_interval(mean, sd, n)
    assert np.all((low > 0) & (low < mean) & (mean < high) & (high < 1))
    # more replications: narrower
    low2, high2 = share_interval(mean, sd, np.array(30))
    assert np.all(high2 - low2 < high - low)


def test_a_share_interval_of_all_equal_runs_is_the_value_and_one_run_has_none():
    low, high = share_interval(np.array([0.0, 1.0, 0.4]), np.array([0.0, 0.0, 0.0]), np.array(5))
    assert low.tolist() == [0.0, 1.0, 0.4] and high.tolist() == [0.0, 1.0, 0.4]
    low, high = share_interval(np.array([0.4]), np.array([np.nan]), np.array(1))
    assert np.isnan(low).all() and np.isnan(high).all()


def test_interval_chooses_by_kind():
    args = (np.array([0.05]), np.array([0.06]), np.array(3))
    assert interval(*args, share=False)[0][0] == t_interval(*args)[0][0] < 0
    assert interval(*args, share=True)[0][0] == share_interval(*args)[0][0] > 0


SPEC = {
    "experiment": {
        "rounds": 2,
        "replications": 2,
        "base_seed": 3,
        "scenario": "fortress",
        "levers": ["system_weight"],
        "uncertainties": ["funding_growth", "trust_gain"],
    },
    "fixed": {"structure": "simple", "n_footprints": 2},
    "vary": {
        "design": "latin_hypercube",
        "samples": 6,
        "system_weight": {"low": 0.0, "high": 1.0},
        "funding_growth": {"low": -0.02, "high": 0.02},
        "trust_gain": {"low": 0.0, "high": 0.3},
    },
    "outputs": {"model": ["cooperation_rate", "collective_welfare", "mean_individual_score"]},
    "outcomes": {
        "councils": {
            "function": "batch_outcomes:council_money",
            "per": "run",
            "label": "Councils' money",
            "unit": "£m",
        },
        "money_pooled": {"function": "batch_outcomes:pooled_money", "per": "year"},
    },
}


@pytest.fixture(scope="module")
def sampled(tmp_path_factory):
    from stpgame.batch import Experiment

    out = tmp_path_factory.mktemp("lhs") / "out"
    Experiment.from_dict(SPEC, name="lhs").run(out, workers=1, quiet=True)
    return out


@pytest.mark.slow
def test_a_latin_hypercube_shows_every_parameter_custom_outcomes_and_each_lever(sampled):
    import matplotlib.image as mpimg

    from stpgame.batch import plot, summarise

    names = {p.name for p in plot(sampled)}
    assert {"each_parameter_final.png", "lever_system_weight_final.png"} <= names
    # one column per varied parameter, one row per output (key outputs, then custom outcomes)
    from stpgame.batch import figures

    seen = {}

    def spy(runs, varied, outputs, statistic, custom, folder):
        seen.update(varied=list(varied), outputs=list(outputs))
        return []

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(figures, "each_parameter", spy)
        plot(sampled)
    assert seen == {
        "varied": ["system_weight", "funding_growth", "trust_gain"],
        "outputs": [
            "collective_welfare",
            "mean_individual_score",
            "cooperation_rate",
            "councils",
            "money_pooled",
        ],
    }
    # custom outcomes by name, alone
    chosen = plot(sampled, outputs=["councils"])
    image = mpimg.imread(next(p for p in chosen if p.name == "each_parameter_final.png"))
    assert image.shape[1] > image.shape[0]  # one row, three columns
    table, _ = summarise(sampled)
    shares = table[table["output"] == "cooperation_rate"]
    assert set(shares["interval"]) == {"t, logit scale"}
    assert ((shares["ci_low"] >= 0) & (shares["ci_high"] <= 1)).all()


@pytest.mark.parametrize("outputs", [["nope"], "councils", []])
def test_plot_refuses_outputs_the_sweep_did_not_keep(sampled, outputs):
    from stpgame.batch import plot
    from stpgame.errors import ParameterError

    before = sorted(sampled.rglob("*"))
    with pytest.raises(ParameterError) as err:
        plot(sampled, outputs=outputs)
    assert err.value.name == "outputs"
    assert sorted(sampled.rglob("*")) == before


def test_a_share_interval_of_equal_values_holds_the_mean_despite_rounding():
    # found drawing fortress_vs_system: two equal conditions, 11.16...%: expit(logit(p))
    # came back 6e-15 above p and matplotlib refused a negative error bar
    p = np.array([0.1116161616161616])
    low, high = share_interval(p, np.array([0.0]), np.array(2))
    assert low[0] <= p[0] <= high[0]
