"""The model's public interface: stepping, outputs, determinism, human choices."""

import numpy as np
import pandas as pd
import pytest

from stpgame import STPModel
from stpgame.core.agents import Organisation
from stpgame.core.model import MODEL_OUTPUTS
from stpgame.core.params import ParameterError


def test_outputs_have_the_promised_columns():
    m = STPModel(seed=1).run(3)
    df, orgs = m.model_dataframe(), m.org_dataframe()
    assert list(df.columns) == list(MODEL_OUTPUTS)
    assert df["round"].tolist() == [1, 2, 3]
    for col in (
        "round",
        "org_id",
        "org_type",
        "footprint",
        "contribution",
        "balance",
        "score",
        "strategy",
        "rating",
        "sucker",
    ):
        assert col in orgs.columns
    assert len(orgs) == 3 * m.structure.n
    assert np.isfinite(df.drop(columns="round").to_numpy(float)).all()


def test_same_seed_same_result_different_seed_different_result():
    a = STPModel.from_scenario("simple_vs_complex", seed=5).run(15)
    b = STPModel.from_scenario("simple_vs_complex", seed=5).run(15)
    c = STPModel.from_scenario("simple_vs_complex", seed=6).run(15)
    pd.testing.assert_frame_equal(a.model_dataframe(), b.model_dataframe())
    pd.testing.assert_frame_equal(a.org_dataframe(), b.org_dataframe())
    assert not a.model_dataframe().equals(c.model_dataframe())


def test_stepping_in_pieces_equals_running_at_once():
    a = STPModel(seed=2).run(6)
    b = STPModel(seed=2)
    for _ in range(6):
        b.step()
    pd.testing.assert_frame_equal(a.model_dataframe(), b.model_dataframe())


def test_agents_are_the_readable_interface():
    m = STPModel(seed=3).run(2)
    assert len(m.agents) == m.structure.n
    org = m.organisations[0]
    assert isinstance(org, Organisation)
    row = m.org_dataframe().query("round == 2 and org_id == 0").iloc[0]
    assert org.balance == pytest.approx(row["balance"])
    assert org.org_type == row["org_type"] and org.footprint == row["footprint"]
    assert org.strategy == row["strategy"]


def test_a_human_choice_overrides_the_strategy_for_one_round():
    m = STPModel(seed=4, strategy_acute="always_defect")
    acute = int(np.flatnonzero(m.structure.org_type == 0)[0])
    m.choose(acute, 1.0)
    m.step()
    first = m.org_dataframe().query("org_id == @acute").iloc[0]
    assert first["level"] == 1.0 and first["contribution"] > 0
    m.step()
    second = m.org_dataframe().query("org_id == @acute and round == 2").iloc[0]
    assert second["contribution"] == 0.0  # back to its own strategy


def test_bad_choices_and_rounds_are_refused():
    m = STPModel(seed=1)
    with pytest.raises(ParameterError, match="level"):
        m.choose(0, 1.5)
    with pytest.raises(ParameterError, match="org_id"):
        m.choose(10_000, 0.5)
    with pytest.raises(ParameterError, match="rounds"):
        m.run(-1)
    with pytest.raises(ParameterError, match="scenario"):
        STPModel.from_scenario("nowhere")


def test_scenario_overrides_beat_the_preset():
    m = STPModel.from_scenario("fortress", seed=1, system_weight=0.7)
    assert m.params.system_weight == 0.7 and m.params.structure == "england"


def test_network_carries_trust_within_footprints_only():
    m = STPModel(seed=1).run(2)
    g = m.network()
    assert g.number_of_nodes() == m.structure.n
    fp = m.structure.footprint
    for a, b, data in g.edges(data=True):
        assert fp[a] == fp[b] and 0.0 <= data["trust"] <= 1.0


def test_strategy_mix_is_assigned_in_exact_proportions():
    m = STPModel(seed=1, structure="england", strategy_ccg="tit_for_tat:0.5,always_defect:0.5")
    names = np.array(m.strategy_names)[m.structure.org_type == 2]
    assert abs((names == "tit_for_tat").sum() - (names == "always_defect").sum()) <= 1


def test_network_of_one_footprint():
    m = STPModel(seed=1).run(1)
    g = m.network("Simple 1")
    assert g.number_of_nodes() == 4 and g.number_of_edges() == 6
    assert m.network(0).nodes == g.nodes
    with pytest.raises(ParameterError, match="footprint"):
        m.network("Atlantis")


def test_ratings_follow_the_segments():
    from stpgame.core.regulation import RATINGS, rating

    scores = np.array([0.02, 0.0, -0.005, -0.01, -0.02, -0.2])
    assert [RATINGS[k][0] for k in rating(scores)] == ["1", "1", "2", "2", "3", "4"]


def test_a_council_reports_its_cuts():
    m = STPModel.from_scenario("deepening_cuts", seed=1).run(3)
    council = next(o for o in m.organisations if o.org_type == "council")
    row = m.org_dataframe().query("round == 3 and org_id == @council.index").iloc[0]
    assert council.cut == pytest.approx(row["cut"])


def test_change_rules_keeps_the_money_through_a_new_savings_lag():
    """Savings in the pipeline survive a shorter lag: none is lost or made (the ledgers of
    the actual year and of the everyone-pools twin both carry over)."""
    m = STPModel(seed=4, structure="simple", n_footprints=2, savings_lag=4).run(5)
    for ledger in (m.ledger, m.counterfactuals.twin_ledger):
        assert ledger.pipeline.sum() > 0
    before = [
        (lg.generated_total, lg.landed_total + lg.pipeline.sum(), lg.cumulative.copy())
        for lg in (m.ledger, m.counterfactuals.twin_ledger)
    ]
    m.change_rules(savings_lag=1)
    assert m.params.savings_lag == 1 and m.round == 5
    for ledger, (generated, owed, cumulative) in zip(
        (m.ledger, m.counterfactuals.twin_ledger), before, strict=True
    ):
        assert ledger.pipeline.shape[0] == 2
        assert ledger.landed_total + ledger.pipeline.sum() == pytest.approx(owed)
        assert ledger.generated_total == generated
        np.testing.assert_array_equal(ledger.cumulative, cumulative)
    m.run(3)  # and the game goes on
    with pytest.raises(ParameterError, match="structure"):
        m.change_rules(structure="england")
