"""Real places: England's 44 footprints of 2017 (stpgame.places, docs/places.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from stpgame import STPModel, places
from stpgame.cli import main
from stpgame.core.params import Params
from stpgame.core.structure import build
from stpgame.errors import ParameterError
from stpgame.places.measures import footprint_table, members_table

ROOT = Path(__file__).resolve().parents[1]


def test_counts_207_ccgs_152_councils_44_footprints():
    kinds = Counter(b.kind for b in places.bodies())
    assert kinds["ccg"] == 207 and kinds["council"] == 152
    assert kinds["acute"] == 137  # the Health Foundation's list, as sourced
    assert len(places.footprints()) == 44
    codes = {f.code for f in places.footprints()}
    assert all(b.footprint_code in codes for b in places.bodies())


def test_every_ccg_in_exactly_one_footprint():
    ccgs = [b.code for b in places.bodies() if b.kind == "ccg"]
    assert len(ccgs) == len(set(ccgs)) == 207
    assert all(c.startswith("E38") for c in ccgs)


def test_council_codes_are_social_care_authorities_and_shares_sum_to_1():
    councils = [b for b in places.bodies() if b.kind == "council"]
    # unitaries, metropolitan districts, London boroughs, counties: never E07/E11/E13
    assert {c.code[:3] for c in councils} == {"E06", "E08", "E09", "E10"}
    total: Counter[str] = Counter()
    homes: Counter[str] = Counter()
    for s in places.council_shares():
        total[s.council_code] += s.share
        homes[s.council_code] += s.home
    assert set(total) == {c.code for c in councils}
    assert all(abs(v - 1.0) < 1e-5 for v in total.values())
    assert set(homes.values()) == {1}  # one home footprint each
    home = {s.council_code: s.footprint_code for s in places.council_shares() if s.home}
    assert all(home[c.code] == c.footprint_code for c in councils)
    # a council belongs where most of its people live
    for s in places.council_shares():
        if s.home:
            assert s.share == max(
                x.share for x in places.council_shares() if x.council_code == s.council_code
            )


def test_split_flags_agree_with_the_council_shares():
    rows: dict[str, list] = {}
    for s in places.council_shares():
        rows.setdefault(s.council_code, []).append(s)
    councils = [b for b in places.bodies() if b.kind == "council"]
    assert sum(b.split for b in councils) == 14
    for b in councils:
        assert b.split == (len(rows[b.code]) > 1)
        home = next(s for s in rows[b.code] if s.home)
        assert b.home_share == pytest.approx(home.share, abs=1e-6)
    assert not any(b.split for b in places.bodies() if b.kind in ("acute", "community"))


def test_straddling_councils_are_counted_as_mismatch():
    north_yorkshire = [s for s in places.council_shares() if s.council_name == "North Yorkshire"]
    assert len(north_yorkshire) > 1  # split between Humber, West Yorkshire and Durham/Tees
    fp = {f.code: f for f in places.footprints()}
    away = [s for s in north_yorkshire if not s.home]
    assert all(fp[s.footprint_code].mismatch_share > 0 for s in away)


def test_names_and_codes_in_every_table():
    for f in places.footprints():
        assert f.code.startswith("E54") and f.name and f.region
    for b in places.bodies():
        assert b.name and b.code
    names = [b.name for b in places.bodies()]
    assert len(set(names)) == len(names)  # names identify bodies
    table = footprint_table()
    assert table["code"].str.startswith("E54").all() and table["name"].ne("").all()
    devon = members_table("Devon")
    assert "Devon Partnership NHS Trust" in set(devon["name"])
    assert "Plymouth" in set(devon["name"]) and devon["code"].ne("").all()


def test_organisation_table_and_network_carry_names_and_codes():
    model = STPModel.from_scenario("fortress", seed=3, place="Devon").run(2)
    orgs = model.org_dataframe()
    assert {"org_name", "org_code", "footprint_code"} <= set(orgs.columns)
    assert orgs["org_name"].notna().all() and orgs["org_code"].notna().all()
    assert set(orgs["footprint_code"]) == {"E54000037"}
    assert "Royal Devon And Exeter NHS Foundation Trust" in set(orgs["org_name"])
    graph = model.network("Devon")
    assert {graph.nodes[k]["code"] for k in graph.nodes} == set(orgs["org_code"])
    england = STPModel.from_scenario("fortress", seed=3).run(1).org_dataframe()
    assert england["org_code"].nunique() == 566 and england["footprint_code"].nunique() == 44


def test_place_by_name_or_code_is_the_same_footprint_and_deterministic():
    a = STPModel.from_scenario("fortress", seed=11, place="Devon").run(6)
    b = STPModel.from_scenario("fortress", seed=11, place="e54000037").run(6)
    assert a.params.place == b.params.place == "Devon"
    assert a.params.structure == "england"
    assert a.model_dataframe().equals(b.model_dataframe())
    assert a.org_dataframe().equals(b.org_dataframe())
    c = STPModel.from_scenario("fortress", seed=12, place="Devon").run(6)
    assert not a.org_dataframe()["balance"].equals(c.org_dataframe()["balance"])


def test_one_place_has_the_same_bodies_and_money_as_in_england():
    england, devon = build("england"), build("england", 0, "Devon")
    k = england.footprint_names.index("Devon")
    rows = np.flatnonzero(england.footprint == k)
    assert devon.org_names == tuple(england.org_names[r] for r in rows)
    assert np.allclose(devon.budget, england.budget[rows])
    assert devon.n_footprints == 1 and devon.footprint_codes == ("E54000037",)


def test_budgets_keep_the_calibrated_means_and_follow_population():
    from stpgame.core.structure import MEAN_BUDGET

    s = build("england")
    for t, kind in enumerate(places.KINDS):
        assert s.budget[s.org_type == t].mean() == pytest.approx(MEAN_BUDGET[kind])
    ccg = [b for b in places.bodies() if b.kind == "ccg"]
    lsoas = np.array([b.lsoas for b in ccg], float)
    money = s.budget[s.org_type == places.KINDS.index("ccg")]
    by_code = dict(zip([b.code for b in places.bodies()], s.budget, strict=True))
    assert np.allclose([by_code[b.code] for b in ccg] / lsoas, money.sum() / lsoas.sum())


def test_bad_places_are_refused_with_the_valid_names():
    with pytest.raises(ParameterError) as err:
        places.find("Devn")
    assert "Devon" in str(err.value) and "Greater Manchester" in str(err.value)
    assert "did you mean 'Devon'" in str(err.value)
    with pytest.raises(ParameterError) as err:
        STPModel.from_scenario("fortress", place="Atlantis")
    assert err.value.name == "place" and "West Yorkshire" in err.value.allowed
    with pytest.raises(ParameterError, match="place"):
        Params.build({"place": "devon"})  # the parameter takes the exact name
    with pytest.raises(ParameterError, match="structure='england'"):
        STPModel(seed=1, structure="mixed", place="Devon")


def test_place_cannot_change_during_a_game():
    model = STPModel.from_scenario("fortress", seed=1, place="Devon")
    with pytest.raises(ParameterError, match="place"):
        model.change_rules(place="Somerset")


def test_structural_loss_matches_the_economy():
    model = STPModel.from_scenario("fortress", seed=1)
    table = footprint_table(model.params)
    assert np.allclose(1.0 - model.economy.coordination, table["structural_loss"])


def test_cli_lists_footprints_and_members(capsys):
    assert main(["places"]) == 0
    out = capsys.readouterr().out
    assert "E54000037" in out and "Greater Manchester" in out and len(out.splitlines()) == 46
    assert main(["places", "Devon"]) == 0
    out = capsys.readouterr().out
    assert "Devon Partnership NHS Trust" in out and "E38000129" in out and "Torbay" in out
    assert main(["places", "Nowhere"]) == 2
    err = capsys.readouterr().err
    assert "parameter 'place'" in err and "Cheshire and Merseyside" in err


def test_rebuild_script_reproduces_the_committed_tables():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_places.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "current" in done.stdout


def test_app_session_plays_a_place_and_keeps_it_across_presets():
    from stpgame.ui.session import Session

    s = Session("fortress", seed=2)
    s.set_place("e54000037")
    assert s.place == "Devon" and s.a.model.structure.footprint_codes == ("E54000037",)
    assert s.b.model.structure.n == 10  # A/B: the same place under the other rules
    assert "Devon Partnership NHS Trust (RWV) in Devon" in s.org_labels()
    s.choose_scenario("hopeful_evidence")
    assert s.params("A").place == "Devon"
    s.set_place(None)
    assert s.a.model.structure.n_footprints == 44
    with pytest.raises(ParameterError, match="place"):
        s.set_place("Wessex")


def test_england_view_tiles_cover_44_footprints_and_regions():
    from stpgame.ui.places_view import MEASURES, colour, tile_values
    from stpgame.ui.session import Session

    s = Session("fortress", seed=2)
    s.step(2)
    for key in MEASURES:
        values = tile_values(s, key)
        assert values is not None and len(values) == 44 and np.isfinite(values).all()
    s.set_place("Devon")  # one place: model outputs cannot colour England
    assert tile_values(s, "trust") is None
    assert tile_values(s, "bodies")[places.names().index("Devon")] == 10
    assert colour(0, 0, 1) != colour(1, 0, 1)
    assert {f.region for f in places.footprints()} == {
        "North of England", "Midlands and East of England", "London", "South West", "South East"
    }  # fmt: skip


def test_a_workshop_room_on_a_real_footprint_seats_its_bodies_and_replays():
    from stpgame.workshop.room import PLACES, STRUCTURES, Room

    assert set(PLACES) == set(places.names()) and set(PLACES) <= set(STRUCTURES)
    room = Room.open("fortress", seed=4, structure="Devon")
    assert room.labels == [b.name for b in places.members("Devon")]
    assert room.model.params.place == "Devon" and room.n_bodies == 10
    token = room.join("Asha").token
    k = room.labels.index("Devon Partnership NHS Trust")
    room.take(token, k)
    room.decide(token, 1.0)
    room.advance(force=True)
    assert room.year == 1
    again = Room.from_dict(room.to_dict(secrets_too=True))
    assert again.labels == room.labels
    assert again.model.org_dataframe().equals(room.model.org_dataframe())
    with pytest.raises(ParameterError, match="structure"):
        Room.open("fortress", structure="Wessex")


def test_a_b_compares_two_places_and_the_settings_file_replays_them():
    from stpgame.ui import export
    from stpgame.ui.compare import differences
    from stpgame.ui.session import Session

    s = Session("fortress", seed=5)
    s.set_place("Devon")
    s.set_place("Somerset", "B")
    assert not s.same_places
    assert s.a.model.structure.footprint_names == ("Devon",)
    assert s.b.model.structure.footprint_names == ("Somerset",)
    s.rules["B"].values.clear()  # the same rules on both places
    s.reset()
    assert s.params("A").control_total == s.params("B").control_total
    s.set_player(5)  # a Devon CCG, played in A only: Somerset has its own bodies
    s.step(3)
    state = type("State", (), {"session": s})()
    assert any("Somerset" in d for d in differences(state))
    models = export.rerun(json.loads(export.settings_json(s)))
    assert models["A"].org_dataframe().equals(s.a.model.org_dataframe())
    assert models["B"].org_dataframe().equals(s.b.model.org_dataframe())
    s.set_place("Somerset")  # both on one place again
    assert s.same_places and s.b.model.structure.footprint_names == ("Somerset",)
