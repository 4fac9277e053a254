"""The app's logic without Solara: one tab's Session, rule controls, charts, exports."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from stpgame import STPModel, scenarios
from stpgame.core.params import BY_NAME, ParameterError
from stpgame.errors import ResultsError
from stpgame.ui import charts, echarts, export, network_view, rules, texts
from stpgame.ui.session import MAX_ROUNDS, Session, org_labels


@pytest.fixture
def simple():
    """A small, fast session: the Canterbury preset (simple footprints)."""
    return Session("canterbury", seed=3)


def test_default_session_is_the_first_preset_at_year_zero():
    s = Session()
    assert s.scenario == scenarios.names()[0]
    assert s.round == 0 and len(s.a.history) == 0
    assert s.a.model.structure.n == s.b.model.structure.n


def test_step_advances_both_runs_and_records_history(simple):
    simple.step(3)
    assert simple.round == 3
    assert simple.b.model.round == 3
    assert simple.a.history.rounds == [1, 2, 3]
    # the history holds what the model reported, year by year
    expected = simple.a.model.model_dataframe()["system_balance"].tolist()
    assert simple.a.history.series("system_balance") == pytest.approx(expected)


def test_history_by_type_matches_the_org_table(simple):
    simple.step(2)
    df = simple.a.model.org_dataframe()
    for t in ("acute", "council"):
        means = df[df["org_type"] == t].groupby("round", observed=True)["balance"].mean()
        assert simple.a.history.by_type("balance", t) == pytest.approx(means.tolist())


def test_choosing_a_preset_resets_to_year_zero_with_its_rules(simple):
    simple.step(4)
    simple.set_player(0)
    simple.choose_scenario("fortress")
    assert simple.round == 0
    assert simple.player is None
    assert simple.a.model.params.structure == "england"
    assert simple.params("A").system_weight == scenarios.get("fortress").params["system_weight"]


def test_rules_b_start_as_the_other_control_total():
    for name in ("fortress", "system_control_total"):
        s = Session(name)
        a, b = s.params("A").control_total, s.params("B").control_total
        assert {a, b} == {"individual", "system"}
        assert a == scenarios.get(name).params["control_total"]


def test_same_seed_and_rules_replay_exactly(simple):
    simple.step(5)
    first = simple.a.history.series("collective_welfare")
    simple.reset()
    simple.step(5)
    assert simple.a.history.series("collective_welfare") == first


def test_set_rule_at_year_0_starts_with_it_and_mid_game_keeps_the_year(simple):
    simple.set_rule("A", "savings_lag", 4)
    assert simple.round == 0 and simple.a.model.params.savings_lag == 4
    assert simple.b.model.params.savings_lag != 4 or simple.base_params().savings_lag == 4
    simple.step(2)
    before = simple.a.model.org_dataframe()
    simple.set_rule("A", "control_total", "system")  # as the room does: no reset
    assert simple.round == 2 and simple.a.model.round == 2
    pd.testing.assert_frame_equal(simple.a.model.org_dataframe(), before)
    assert simple.a.model.params.control_total == "system"
    assert simple.params("A").control_total == "system"
    assert simple.changes == [{"year": 3, "side": "A", "params": {"control_total": "system"}}]
    simple.step(2)
    assert simple.round == 4 and simple.a.history.rounds == [1, 2, 3, 4]


def test_set_rule_builds_the_parameters_once(simple, monkeypatch):
    from stpgame.core import params as core_params

    calls = []
    build = core_params.Params.build.__func__

    def counting(cls, values=None, base=None):
        calls.append(dict(values or {}))
        return build(cls, values, base)

    monkeypatch.setattr(core_params.Params, "build", classmethod(counting))
    simple.set_rule("A", "risk_share", 0.25)  # at year 0: one build, then new runs from it
    assert calls == [{"risk_share": 0.25}]
    simple.step(1)
    calls.clear()
    simple.set_rule("A", "risk_share", 0.5)  # mid-game: the session's build, the model's own
    assert calls == [{"risk_share": 0.5}, {"risk_share": 0.5}]


def test_a_settings_file_reruns_a_game_whose_rules_changed_mid_game(simple):
    simple.step(2)
    simple.set_rule("B", "risk_share", 0.5)
    simple.step(1)
    simple.set_rule("B", "savings_lag", 1)
    simple.step(2)
    simple.set_rule("A", "noise", 0.2)  # after the last year played: applies to year 6
    doc = json.loads(export.settings_json(simple))
    assert [c["year"] for c in doc["rule_changes"]] == [3, 4, 6]
    models = export.rerun(doc)
    for side in ("A", "B"):
        assert models[side].latest == simple.runs[side].model.latest
        assert models[side].params == simple.params(side)


@pytest.mark.parametrize(
    ("name", "value", "words", "given"),
    [
        ("noise", 0.9, "'noise': allowed float in [0, 0.5]", "0.9"),  # above the range
        (
            "structure",
            "simple",
            "'rule': allowed one of control_total",
            "'structure'",
        ),  # not offered
        ("savings_lag", 1.5, "'savings_lag': allowed int in [0, 10]", "1.5"),  # not whole
    ],
)
def test_bad_rule_values_are_refused_with_the_parameter_named(simple, name, value, words, given):
    before = simple.params("A")
    with pytest.raises(ParameterError) as err:
        simple.set_rule("A", name, value)
    assert words in str(err.value) and f"got {given}" in str(err.value)
    assert simple.params("A") == before


def test_bad_side_seed_level_and_player_are_refused(simple):
    with pytest.raises(ParameterError, match="side"):
        simple.set_rule("C", "noise", 0.1)
    with pytest.raises(ParameterError, match="seed"):
        simple.set_seed(-1)
    with pytest.raises(ParameterError, match="player"):
        simple.set_level(0.5)
    n = simple.a.model.structure.n
    with pytest.raises(ParameterError, match="organisation"):
        simple.set_player(n)
    simple.set_player(0)
    with pytest.raises(ParameterError, match="level"):
        simple.set_level(1.5)
    with pytest.raises(ParameterError, match="rounds"):
        simple.step(0)


@pytest.mark.slow
def test_play_stops_at_the_tab_limit():
    s = Session("canterbury", seed=1)
    s.step(MAX_ROUNDS + 5)
    assert s.round == MAX_ROUNDS and s.finished


def test_strategy_choice_changes_the_mix_of_one_type(simple):
    simple.set_strategy("A", "council", "always_defect", 1.0)
    assert simple.params("A").strategy_council == "always_defect:1"
    assert simple.params("A").strategy_acute == simple.base_params().strategy_acute
    council = simple.a.model.structure.org_type == 3
    assert set(np.asarray(simple.a.model.strategy_names)[council]) == {"always_defect"}
    simple.set_strategy("A", "council", None)
    assert simple.params("A").strategy_council == simple.base_params().strategy_council


def test_compose_mix_keeps_the_rest_of_the_preset_in_proportion():
    mix = rules.compose_mix("tit_for_tat:0.5,imitation:0.5", "tit_for_tat", 0.5)
    assert dict(p.split(":") for p in mix.split(",")) == {
        "tit_for_tat": "0.75",
        "imitation": "0.25",
    }
    with pytest.raises(ParameterError, match="share"):
        rules.compose_mix("tit_for_tat:1", "imitation", 1.2)
    with pytest.raises(ParameterError, match="strategy"):
        rules.compose_mix("tit_for_tat:1", "nonsense", 0.5)


def test_rule_ranges_and_help_come_from_params():
    for r in rules.MAIN_RULES + rules.MORE_RULES:
        p = BY_NAME[r.name]
        assert (r.low, r.high) == (p.low, p.high)
        assert p.help in r.tooltip and p.source in r.tooltip
        if p.kind == "float":
            assert 0 < r.slider_step <= (p.high - p.low) / 10


def test_format_value_in_the_rooms_words():
    assert rules.format_value("funding_growth", 0.011) == "1.1%"
    assert rules.format_value("savings_multiplier", 1.5) == "£1.50"
    assert rules.format_value("savings_lag", 1) == "1 year"
    assert rules.format_value("system_weight", 0.0) == "own books only"
    assert rules.format_value("system_weight", 0.25) == "75% own books, 25% whole system"
    assert rules.format_value("council_balanced_budget", True) == "yes"


def test_player_choice_changes_own_result_against_autopilot():
    results = {}
    for level in (0.0, 1.0):
        s = Session("canterbury", seed=3)
        s.set_player(0)
        s.set_level(level)
        s.step(1)
        results[level] = s.player.log[-1]
    keep, pool = results[0.0], results[1.0]
    assert keep["balance"] != pytest.approx(pool["balance"])
    assert keep["welfare"] != pytest.approx(pool["welfare"])
    # the autopilot twin ignores the player's level: the same in both sessions
    assert keep["auto_balance"] == pytest.approx(pool["auto_balance"])


def test_player_twin_replays_the_years_before_take_over(simple):
    simple.step(3)
    simple.set_player(2)
    twin, mine = simple.player.twin.model, simple.a.model
    assert twin.round == mine.round == 3
    assert twin.latest == mine.latest
    simple.set_level(simple.player.level)
    simple.step(1)
    assert simple.player.log[-1]["round"] == 4


def test_org_labels_name_type_number_and_footprint():
    s = Session("simple_vs_complex", seed=1)
    labels = org_labels(s.a.model.structure)
    assert len(labels) == s.a.model.structure.n == len(set(labels))
    assert "Council in Simple 1" in labels
    assert any(label.startswith("CCG 2 in Complex") for label in labels)


def test_charts_carry_the_history(simple):
    simple.step(4)
    h = simple.a.history
    coll = {c.key: c for c in charts.collective(h)}
    assert coll["welfare"].rounds == (1, 2, 3, 4)
    assert coll["welfare"].lines[1].values == pytest.approx(h.series("collective_welfare"))
    ind = charts.individual(h)
    assert [line.name for line in ind[0].lines] == [
        texts.ORG_SHORT_PLURAL[t] for t in ("acute", "community", "ccg", "council")
    ]
    option = echarts.option(coll["welfare"])
    band = [s for s in option["series"] if s.get("stack") == "band"]
    assert len(band) == 2  # the price of fortress is shaded between the two welfare lines
    pooled_all, actual = (line.values for line in coll["welfare"].lines)
    gap = [hi - lo for lo, hi in zip(actual, pooled_all, strict=True)]
    assert band[1]["data"] == pytest.approx([round(g, 2) for g in gap])


def test_empty_charts_say_how_to_start():
    s = Session("canterbury", seed=1)
    option = echarts.option(charts.collective(s.a.history)[0])
    assert option["title"]["subtext"] == texts.EMPTY_CHART


def test_network_view_of_one_footprint(simple):
    simple.step(2)
    model = simple.a.model
    view = network_view.footprint_view(model, 1, simple.org_labels(), simple.a.history.pooled)
    members = np.flatnonzero(model.structure.footprint == 1)
    assert sorted(n.org for n in view.nodes) == members.tolist()
    k = len(members)
    assert len(view.edges) == k * (k - 1) // 2  # every pair in a footprint is linked
    graph = model.network()
    e = view.edges[0]
    a, b = view.nodes[e.a].org, view.nodes[e.b].org
    assert e.trust == pytest.approx(graph.edges[a, b]["trust"])
    pooled = {n.org: n.state for n in view.nodes}
    for org in members:
        assert pooled[org] == ("pooled" if simple.a.history.pooled[org] else "withheld")
    with pytest.raises(ParameterError, match="footprint"):
        network_view.footprint_view(model, 99, simple.org_labels(), simple.a.history.pooled)


def test_csv_exports_parse_back(simple):
    simple.step(3)
    model = pd.read_csv(io.BytesIO(export.model_csv(simple, "A")))
    assert len(model) == 3 and list(model["round"]) == [1, 2, 3]
    assert set(model["scenario"]) == {"canterbury"} and set(model["rules"]) == {"A"}
    assert model["system_balance"].tolist() == pytest.approx(
        simple.a.history.series("system_balance")
    )
    orgs = pd.read_csv(io.BytesIO(export.org_csv(simple, "B")))
    assert len(orgs) == 3 * simple.b.model.structure.n
    assert {"org_id", "balance", "score", "rating"} <= set(orgs.columns)


def test_settings_json_reruns_the_same_game(simple):
    simple.set_rule("A", "noise", 0.1)
    simple.step(4)
    doc = json.loads(export.settings_json(simple))
    assert doc["scenario"] == "canterbury" and doc["seed"] == 3 and doc["years"] == 4
    rerun = STPModel(seed=doc["seed"], **doc["rules"]["A"]).run(doc["years"])
    assert rerun.latest == simple.a.model.latest


@pytest.mark.slow
def test_png_exports_are_pictures(simple):
    simple.step(2)
    for data in (
        export.charts_png(simple),
        export.compare_png(simple),
        export.network_png(simple, 0),
    ):
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_settings_hold_every_human_choice_and_rerun_identically(simple, tmp_path):
    simple.set_player(2)
    for level in (1.0, 0.0, 0.35, 1.0):  # a different choice every year
        simple.set_level(level)
        simple.step(1)
    path = tmp_path / "settings.json"
    path.write_bytes(export.settings_json(simple))
    doc = json.loads(path.read_text())
    assert [(c["year"], c["organisation"], c["level"]) for c in doc["choices"]] == [
        (1, 2, 1.0),
        (2, 2, 0.0),
        (3, 2, 0.35),
        (4, 2, 1.0),
    ]
    again = export.rerun(path)
    for side in ("A", "B"):
        pd.testing.assert_frame_equal(
            again[side].model_dataframe(), simple.runs[side].model.model_dataframe()
        )
        pd.testing.assert_frame_equal(
            again[side].org_dataframe(), simple.runs[side].model.org_dataframe()
        )
    # the last choice alone (what the file used to keep) is a different game
    doc["choices"] = [{"year": y, "organisation": 2, "level": 1.0} for y in range(1, 5)]
    other = export.rerun(doc)["A"].org_dataframe()
    assert not other["balance"].equals(simple.a.model.org_dataframe()["balance"])


def test_rerun_refuses_what_is_not_a_settings_file(simple, tmp_path):
    simple.step(1)
    doc = json.loads(export.settings_json(simple))
    with pytest.raises(ResultsError, match="not an stpgame settings file"):
        export.rerun({"seed": 1})
    with pytest.raises(ResultsError, match="without rules"):
        export.rerun({k: v for k, v in doc.items() if k != "rules"})
    with pytest.raises(ParameterError, match="choices"):
        export.rerun({**doc, "choices": [{"year": 9, "organisation": 0, "level": 1.0}]})
    with pytest.raises(ParameterError, match="level"):
        export.rerun({**doc, "choices": [{"year": 1, "organisation": 0, "level": 3}]})
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(ResultsError, match="not a readable settings file"):
        export.rerun(tmp_path / "x.json")


def test_the_organisation_csv_names_the_human_not_the_autopilot(simple):
    simple.step(1)  # year 1 on autopilot
    simple.set_player(1)
    simple.step(2)
    orgs = pd.read_csv(io.BytesIO(export.org_csv(simple, "A")))
    played = orgs[orgs["org_id"] == 1].set_index("round")["strategy"]
    assert played[1] != "human" and list(played[[2, 3]]) == ["human", "human"]
    assert (orgs[orgs["org_id"] != 1]["strategy"] != "human").all()


def test_network_view_marks_the_played_body_and_names_colours_as_drawn(simple):
    simple.set_player(5)
    simple.step(3)
    model = simple.a.model
    fp = int(model.structure.footprint[5])
    view = network_view.footprint_view(
        model, fp, simple.org_labels(), simple.a.history.pooled, you=5
    )
    assert [n.org for n in view.nodes if n.you] == [5]
    option = network_view.echarts_option(view)
    (mine,) = [d for d in option["series"][0]["data"] if d["label"]["formatter"].startswith("You")]
    assert mine["itemStyle"]["borderWidth"] > 2
    assert "Thick black outline: the organisation you play" in view.legend
    # each colour word in the legend names one colour only, as drawn
    assert "red" not in view.legend and "orange kept it in-house" in view.legend
    assert texts.WITHHELD_COLOUR not in {e.colour for e in view.edges}
    for e in view.edges:
        assert e.dashed == (e.trust < 0.35)
    # a round circle (left + right = top + bottom of a square chart), with more room on top
    # than below for the title above the top node's label
    box = {k: float(option["series"][0][k].rstrip("%")) for k in ("left", "right", "top", "bottom")}
    assert box["left"] + box["right"] == box["top"] + box["bottom"]
    assert box["top"] > box["bottom"]
    # seen from another footprint, the summary says where the played body is
    other = network_view.footprint_view(
        model,
        (fp + 1) % model.structure.n_footprints,
        simple.org_labels(),
        simple.a.history.pooled,
        you=5,
    )
    assert not any(n.you for n in other.nodes)
    assert simple.org_labels()[5] in other.summary


def test_a_bigger_mandatory_pool_moves_no_money_and_no_choice():
    """[004] 'not new money': the Better Care Fund preset doubles the minimum; the fund is
    bigger, while the money pooled by choice and the choices are the fortress preset's."""

    def pooled(name: str) -> tuple[tuple[float, ...], tuple[float, ...], list[float]]:
        s = Session(name, seed=4)
        s.step(3)
        (chart,) = [c for c in charts.collective(s.a.history) if c.key == "pooled"]
        money, choices = chart.lines
        assert money.values == tuple(s.a.history.series("pooled_share"))
        return money.values, choices.values, list(s.a.model.model_dataframe()["bcf_pool"])

    bcf_money, bcf_choices, bcf_fund = pooled("bcf_pooling")
    fortress_money, fortress_choices, fortress_fund = pooled("fortress")
    assert bcf_money == fortress_money and bcf_choices == fortress_choices
    assert all(b > f + 1000 for b, f in zip(bcf_fund, fortress_fund, strict=True))
    assert "not new money" in texts.WHERE_TO_LOOK["bcf_pooling"]


def test_footprints_side_by_side_follow_pooling_and_trust_year_by_year():
    from stpgame.ui.network_panel import NONE, beside
    from stpgame.ui.state import AUTO

    s = Session("simple_vs_complex", seed=2)
    s.step(3)
    model = s.a.model
    sizes = model.structure.counts().sum(axis=1)
    other = beside(AUTO, 0, sizes)
    assert sizes[other] != sizes[0]  # a simple and a complex footprint
    assert beside(NONE, 0, sizes) == NONE and beside(3, 3, sizes) == NONE
    assert beside(AUTO, 0, Session("fortress").a.model.structure.counts().sum(axis=1)) == NONE
    pool_chart, trust_chart = charts.footprints(s.a.history, [0, other], ["S", "C"])
    fp = model.structure.footprint
    for line, k in zip(pool_chart.lines, (0, other), strict=True):
        assert line.values[-1] == pytest.approx(s.a.history.pooled[fp == k].mean())
    for line, k in zip(trust_chart.lines, (0, other), strict=True):
        assert line.values[-1] == pytest.approx(model.footprint_trust()[k])
        assert len(line.values) == 3
