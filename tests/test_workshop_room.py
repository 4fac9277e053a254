"""The workshop room's Python API, without a browser: seats, years, isolation, disk, replay."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from stpgame.core.model import STPModel
from stpgame.core.params import ParameterError
from stpgame.workshop import Room, RoomError, Rooms
from stpgame.workshop.room import CODE_ALPHABET
from stpgame.workshop.views import snapshot


def seated(room: Room, *bodies: int):
    people = []
    for k, body in enumerate(bodies):
        person = room.join(f"Player {k + 1}")
        room.take(person.token, body)
        people.append(person)
    return people


def test_open_room_has_one_small_footprint_and_a_short_code():
    room = Room.open("fortress", seed=2, structure="simple")
    assert 4 <= len(room.code) <= 6 and set(room.code) <= set(CODE_ALPHABET)
    assert room.model.structure.n_footprints == 1
    assert room.n_bodies == 4
    assert room.labels == ["Acute trust", "Community / mental-health trust", "CCG", "Council"]
    default = Room.open("fortress", seed=2)  # the workshop footprint: one team per body
    assert 6 <= default.n_bodies <= 12 and default.model.structure.n_footprints == 1
    big = Room.open("fortress", seed=2, structure="complex")
    assert big.n_bodies == 20 and big.model.structure.n_footprints == 1
    assert big.labels[0] == "Acute trust 1" and len(set(big.labels)) == 20
    with pytest.raises(ParameterError, match="structure"):
        Room.open("fortress", structure="england")
    with pytest.raises(ParameterError, match="n_footprints"):
        Room.open("fortress", n_footprints=3)


def test_a_year_needs_every_human_unless_forced_and_marks_the_undecided():
    room = Room.open("fortress", seed=4, structure="simple")
    alice, _bob = seated(room, 0, 3)
    room.decide(alice.token, 1.0)
    assert room.undecided() == [3]
    with pytest.raises(RoomError, match="Still deciding: Council"):
        room.advance()
    assert room.year == 0
    room.advance(force=True)
    assert room.year == 1
    df = room.debrief()
    assert list(df["control"]) == ["human", "autopilot", "autopilot", "autopilot (undecided)"]
    assert df.loc[0, "decided_by"] == "Player 1" and df.loc[0, "level"] == 1.0
    assert df.loc[3, "players"] == "Player 2"
    assert df.loc[0, "strategy"] == "human"  # not the autopilot strategy it replaced
    # next year everyone must decide again
    assert room.undecided() == [0, 3]


def test_teams_share_a_body_and_the_last_submission_counts():
    room = Room.open("fortress", seed=5, structure="simple")
    a, b = seated(room, 2, 2)
    room.decide(a.token, 1.0)
    room.decide(b.token, 0.25)
    room.advance()
    row = room.debrief().iloc[2]
    assert row["level"] == 0.25 and row["decided_by"] == "Player 2"
    assert row["players"] == "Player 1, Player 2"
    decisions = room.decisions_frame()
    assert list(decisions["counted"]) == [False, True]


def test_a_decision_reaches_the_model_exactly_as_model_choose():
    room = Room.open("bcf_pooling", seed=7, structure="simple")
    a, b = seated(room, 0, 3)
    plan = [(1.0, 0.0), (0.5, 1.0), (0.0, 0.3)]
    for x, y in plan:
        room.decide(a.token, x)
        room.decide(b.token, y)
        room.advance()
    model = STPModel(seed=7, scenario="bcf_pooling", structure="simple", n_footprints=1)
    for x, y in plan:
        model.choose(0, x)
        model.choose(3, y)
        model.step()
    pd.testing.assert_frame_equal(
        room.model.org_dataframe(), model.org_dataframe(), check_categorical=False
    )
    # and the decisions mattered: the all-autopilot room differs
    auto = Room.open("bcf_pooling", seed=7, structure="simple")
    for _ in plan:
        auto.advance()
    assert not np.allclose(
        auto.model.org_dataframe()["contribution"], room.model.org_dataframe()["contribution"]
    )


def test_bad_inputs_are_refused_with_the_name_and_range():
    room = Room.open("fortress", seed=1, structure="simple")
    (a,) = seated(room, 1)
    with pytest.raises(ParameterError, match=r"level.*\[0, 1\].*1\.5"):
        room.decide(a.token, 1.5)
    with pytest.raises(ParameterError, match="body"):
        room.take(a.token, 4)
    with pytest.raises(RoomError, match="name"):
        room.join("   ")
    with pytest.raises(RoomError, match="not in this room"):
        room.decide("no-such-token", 0.5)
    stranger = room.join("Nobody yet")
    with pytest.raises(RoomError, match="Take a body"):
        room.decide(stranger.token, 0.5)
    with pytest.raises(ParameterError, match="timer"):
        room.set_timer(-5)
    room.close()
    with pytest.raises(RoomError, match="closed"):
        room.decide(a.token, 0.5)


def test_rooms_on_one_server_share_nothing(tmp_path):
    rooms = Rooms(tmp_path)
    one = rooms.open("fortress", seed=1, structure="simple")
    two = rooms.open("fortress", seed=1, structure="simple")
    assert one.code != two.code
    assert rooms.get(one.code.lower()) is one and rooms.get(" " + two.code) is two
    assert rooms.get("ZZZZZ") is None and rooms.get("x") is None
    (a,) = seated(one, 0)
    for _ in range(3):
        one.decide(a.token, 1.0)
        one.advance()
    assert two.year == 0 and two.participants == {} and two.version == 1
    for _ in range(3):
        two.advance()
    df1, df2 = one.model.org_dataframe(), two.model.org_dataframe()
    assert not np.allclose(df1["contribution"], df2["contribution"])
    # the same seed without the human gives the autopilot game
    three = rooms.open("fortress", seed=1, structure="simple")
    for _ in range(3):
        three.advance()
    pd.testing.assert_frame_equal(three.model.org_dataframe(), df2)


def test_every_decision_and_year_is_on_disk_and_a_restart_restores_the_room(tmp_path):
    rooms = Rooms(tmp_path)
    room = rooms.open("deepening_cuts", seed=11, structure="simple")
    a, b = seated(room, 0, 2)
    path = tmp_path / f"{room.code}.json"
    room.decide(a.token, 0.8)
    on_disk = json.loads(path.read_text())
    assert on_disk["events"][-1]["level"] == 0.8 and on_disk["events"][-1]["kind"] == "decision"
    room.decide(b.token, 0.1)
    room.advance()
    assert json.loads(path.read_text())["year"] == 1
    room.decide(a.token, 0.3)  # submitted, year not yet played
    room.set_timer(90)
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave nothing behind

    # "server restart": a new registry on the same folder
    again = Rooms(tmp_path)
    assert again.restore() == [room.code]
    back = again.get(room.code)
    assert back is not room and back.year == 1
    assert back.pending[0].level == 0.3 and back.undecided() == [2]
    assert back.timer_deadline == room.timer_deadline
    assert back.is_facilitator(room.facilitator_key) and not back.is_facilitator("guess")
    # reconnect: the token gives the same seat back
    assert back.participant(a.token).body == 0 and back.participant(b.token).name == "Player 2"
    pd.testing.assert_frame_equal(back.debrief(), room.debrief())
    # both carry on identically
    for r in (room, back):
        r.decide(b.token, 1.0)
        r.advance()
    pd.testing.assert_frame_equal(back.debrief(), room.debrief())


def test_closed_rooms_and_damaged_files_are_not_restored(tmp_path):
    rooms = Rooms(tmp_path)
    keep, gone = (
        rooms.open("fortress", seed=1, structure="simple"),
        rooms.open("fortress", seed=2, structure="simple"),
    )
    rooms.close(gone.code)
    assert rooms.get(gone.code).closed and rooms.codes() == [keep.code]  # readable, not open
    with pytest.raises(RoomError, match="closed"):
        gone.advance()
    (tmp_path / "BROKE.json").write_text("{not json")
    again = Rooms(tmp_path)
    assert again.restore() == [keep.code]
    assert "BROKE" in again.restore_errors


def test_session_file_replays_exactly_without_secrets():
    room = Room.open("incentive_fund", seed=21, structure="simple")
    people = seated(room, 0, 1, 3)
    rng = np.random.default_rng(0)
    for year in range(6):
        for k, p in enumerate(people):
            if (year + k) % 4:  # some humans miss some years
                room.decide(p.token, float(rng.random()))
        room.advance(force=True)
    text = room.session_file()
    assert room.facilitator_key not in text
    assert all(p.token not in text for p in people)
    replay = Room.from_dict(json.loads(text))
    pd.testing.assert_frame_equal(replay.debrief(), room.debrief())
    pd.testing.assert_frame_equal(replay.debrief_years(), room.debrief_years())
    pd.testing.assert_frame_equal(replay.decisions_frame(), room.decisions_frame())
    assert "autopilot (undecided)" in set(room.debrief()["control"])
    # a tampered log does not pass for the original
    data = json.loads(text)
    data["events"] = [e for e in data["events"] if e["kind"] != "decision"]
    with pytest.raises(RoomError, match=r"replay reached year|year"):
        data["year"] = 99
        Room.from_dict(data)


def test_listeners_hear_every_change_and_can_leave():
    room = Room.open("fortress", seed=1, structure="simple")
    heard = []
    stop = room.subscribe(lambda r: heard.append(r.version))
    (a,) = seated(room, 0)
    room.decide(a.token, 1.0)
    room.advance()
    assert heard == list(range(2, 2 + len(heard))) and len(heard) == 4
    stop()
    room.set_timer(30)
    assert len(heard) == 4 and room.listener_count == 0


def test_snapshot_shows_the_year_and_where_the_money_went():
    room = Room.open("deepening_cuts", seed=3, structure="simple")
    (a,) = seated(room, 0)
    snap = snapshot(room)
    assert snap.year == 0 and snap.flows == {"nodes": [], "links": []}
    assert snapshot(room) is snap  # cached until the room changes
    room.decide(a.token, 1.0)
    assert snapshot(room).bodies[0].decided
    room.advance()
    snap = snapshot(room)
    me = snap.bodies[0]
    assert me.control == "human" and me.holders == ("Player 1",)
    paid = [
        lk
        for lk in snap.flows["links"]
        if lk["source"] == f"{room.labels[0]} (pays)" and lk["target"] == "Pooled fund"
    ]
    assert paid and paid[0]["value"] == pytest.approx(me.last["contribution"], abs=0.01)
    names = {n["name"] for n in snap.flows["nodes"]}
    assert all(lk["source"] in names and lk["target"] in names for lk in snap.flows["links"])
    assert snap.together["balance"][0] == pytest.approx(sum(b.last["balance"] for b in snap.bodies))


def test_rules_change_mid_game_without_reset_and_replay_exactly():
    room = Room.open("fortress", seed=8, structure="simple")
    same = Room.open("fortress", seed=8, structure="simple")
    for r in (room, same):
        r.advance()
        r.advance()
    before = room.model.org_dataframe()
    room.change_rules(control_total="system", risk_share=0.5)
    assert room.year == 2
    pd.testing.assert_frame_equal(room.model.org_dataframe(), before)  # nothing replayed or lost
    assert room.param("control_total") == "system"
    for r in (room, same):
        r.advance()
        r.advance()
    df, base = room.debrief(), same.debrief()
    assert list(df[df["rules_changed"]]["round"].unique()) == [3]
    pd.testing.assert_frame_equal(df[df["round"] <= 2], base[base["round"] <= 2])
    assert not np.allclose(df[df["round"] > 2]["score"], base[base["round"] > 2]["score"])
    years = room.debrief_years()
    words = years.loc[years["round"] == 3, "rule_change"].item()
    assert words.startswith("Control totals")
    assert "one for the whole footprint (was each NHS body its own)" in words
    assert "Risk share: surpluses and deficits shared: 50% (was 0%)" in words
    replay = Room.from_dict(json.loads(room.session_file()))
    pd.testing.assert_frame_equal(replay.debrief(), df)
    with pytest.raises(ParameterError, match="structure"):
        room.change_rules(structure="complex")


def test_a_bad_rule_change_is_refused_and_not_logged():
    room = Room.open("fortress", seed=8, structure="simple")
    room.advance()
    with pytest.raises(ParameterError, match="control_total"):
        room.change_rules(control_total="everyone")
    assert room.year == 1 and [e["kind"] for e in room.events] == ["advance"]
    assert room.rule_changes() == []


@pytest.mark.slow
def test_debrief_downloads_and_chart_options_hold_every_body_year():
    from stpgame.ui import workshop_charts
    from stpgame.workshop import debrief

    room = Room.open("fortress", seed=2, structure="simple")
    a, b = seated(room, 0, 1)
    for year in range(3):
        room.decide(a.token, 1.0)
        if year != 1:
            room.decide(b.token, 0.0)
        room.advance(force=True)
    png = debrief.timeline(room, "png")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    svg = debrief.timeline(room, "svg").decode()
    assert "<svg" in svg and "Council" in svg
    with pytest.raises(ValueError, match="png or svg"):
        debrief.timeline(room, "pdf")
    rows = pd.read_csv(io.BytesIO(debrief.decisions_csv(room)))
    assert len(rows) == 5 and rows["counted"].all()
    years = pd.read_csv(io.BytesIO(debrief.body_years_csv(room)))
    assert len(years) == 3 * room.n_bodies
    snap = snapshot(room)
    option = workshop_charts.timeline(snap)
    points = {(p[0], p[1]): s["name"] for s in option["series"] for p in s["data"]}
    assert len(points) == 3 * room.n_bodies
    assert points[("2", 1)] == "autopilot: no decision in time"
    assert points[("2", 0)] == "a person decided" and points[("1", 3)] == "autopilot"
    sankey = workshop_charts.flows(snap, body=0)["series"][0]
    names = {n["name"] for n in sankey["data"]}
    assert {lk["source"] for lk in sankey["links"]} <= names
    assert any(n["label"]["formatter"].endswith("(you)") for n in sankey["data"])


@pytest.mark.parametrize("seed", [None, -1, 1.5, True])
def test_a_room_needs_a_fixed_seed(seed):
    with pytest.raises(ParameterError, match="seed"):
        Room.open("fortress", seed=seed, structure="simple")


def test_books_add_up_to_the_balance_and_say_who_decided():
    """Every flow is a row (cash support only as a grant, loan interest as a cost): rows =
    balance, per body. The Better Care Fund minimum is not a row: it never leaves the books."""
    from stpgame.ui import workshop_html

    room = Room.open("bcf_pooling", seed=5, structure="simple")
    ccg, _council = seated(room, 2, 3)
    room.decide(ccg.token, 0.0)  # keeps everything: the minimum is counted, not moved
    room.advance(force=True)
    snap = snapshot(room)
    for b in snap.bodies:
        rows = workshop_html.book_rows(b.last, snap.lag)
        assert sum(x for _, x, _, _ in rows) == pytest.approx(b.last["balance"], abs=1e-9)
    ccg_rows = {key: x for _, x, _, key in workshop_html.book_rows(snap.bodies[2].last, 2)}
    assert "mandatory" not in ccg_rows and ccg_rows["chosen"] == pytest.approx(0, abs=1e-9)
    assert workshop_html.who_decided(snap, 2) == "You pooled 0% in year 1 (sent by Player 1)."
    assert "autopilot decided, as no decision was sent in time" in workshop_html.who_decided(
        snap, 3
    )
    assert "nobody played you" in workshop_html.who_decided(snap, 0)
    shown = workshop_html.books(snap, 2)
    assert "Pooled by law" not in shown and "book-balance" in shown


def test_the_slider_starts_at_the_teams_last_sent_level():
    room = Room.open("fortress", seed=5, structure="simple")
    asha, ben = seated(room, 0, 0)
    assert snapshot(room).bodies[0].start == 0.5  # nothing sent yet
    room.decide(asha.token, 0.2)
    assert snapshot(room).bodies[0].start == 0.2  # the teammate's slider follows
    room.advance()
    assert snapshot(room).bodies[0].start == 0.2  # next year: what the team last sent
    room.decide(ben.token, 0.75)
    assert snapshot(room).bodies[0].start == 0.75


def test_events_change_the_rules_through_the_log_and_a_winter_surge_lasts_one_year():
    from stpgame.workshop.plans import EVENTS

    room = Room.open("fortress", seed=6, structure="simple")
    same = Room.open("fortress", seed=6, structure="simple")
    for r in (room, same):
        r.advance()
    demand = room.param("demand_growth")
    change = room.play_event("winter_surge")
    assert change["year"] == 2 and room.param("demand_growth") == pytest.approx(demand + 0.03)
    snap = snapshot(room)
    assert snap.changes[-1]["words"].startswith("Winter surge: A hard winter")
    assert "(was 3.2%)" in snap.changes[-1]["words"]
    for r in (room, same):
        r.advance()
    assert room.param("demand_growth") == pytest.approx(demand)  # over after year 2
    assert room.rule_changes()[-1]["ends"] and room.rule_changes()[-1]["year"] == 3
    df, base = room.debrief(), same.debrief()
    assert not np.allclose(df[df["round"] == 2]["balance"], base[base["round"] == 2]["balance"])
    for name in ("funding_cut", "incentive_offer", "regulator_intervention"):
        room.play_event(name)
    assert room.param("funding_growth") == pytest.approx(0.011 - 0.02)
    assert room.param("incentive_fund") == pytest.approx(0.01)
    assert room.param("breach_penalty") == pytest.approx(
        0.3
    )  # none before: the STF was the sanction
    room.advance()
    replay = Room.from_dict(json.loads(room.session_file()))
    pd.testing.assert_frame_equal(replay.debrief(), room.debrief())
    assert replay.rule_changes() == room.rule_changes()
    with pytest.raises(ParameterError, match="event"):
        room.play_event("alien_invasion")
    assert set(EVENTS) == {
        "winter_surge",
        "funding_cut",
        "incentive_offer",
        "regulator_intervention",
        "new_chief_executive",
    }


def test_the_timer_runs_again_each_year_until_changed(tmp_path):
    rooms = Rooms(tmp_path)
    room = rooms.open("fortress", structure="simple")
    room.set_timer(120)
    room.advance()
    assert room.timer_seconds == 120 and room.timer_deadline is not None
    assert room.timer_deadline > __import__("time").time() + 100
    back = Room.load(tmp_path / f"{room.code}.json")
    assert back.timer_seconds == 120
    room.set_timer(0)
    room.advance()
    assert room.timer_deadline is None and room.timer_seconds is None


def test_the_facilitator_renames_and_removes_people():
    room = Room.open("fortress", seed=6, structure="simple")
    asha, ben = seated(room, 0, 1)
    room.rename(asha.id, "  Team   Red ")
    assert room.participant(asha.token).name == "Team Red"
    with pytest.raises(RoomError, match="empty"):
        room.rename(asha.id, "  ")
    with pytest.raises(RoomError, match="at most 40"):
        room.rename(asha.id, "x" * 41)
    room.remove(ben.id)
    assert room.participant(ben.token) is None and room.human_bodies() == [0]
    with pytest.raises(RoomError, match="No participant"):
        room.remove(ben.id)
    carol = room.join("Carol")
    assert carol.id not in (asha.id, ben.id)  # ids are never reused


def test_a_plan_is_kept_and_its_agenda_shows_what_is_due():
    from stpgame.ui import workshop_html

    room = Room.open("fortress", seed=1, structure="simple", plan="hard_times")
    room.advance()
    agenda = workshop_html.plan_agenda(snapshot(room))
    assert "Year 2: Funding cut (due now" in agenda
    room.play_event("funding_cut")
    assert "Year 2: Funding cut (played)" in workshop_html.plan_agenda(snapshot(room))
    assert Room.from_dict(json.loads(room.session_file())).plan == "hard_times"
    with pytest.raises(ParameterError, match="plan"):
        Room.open("fortress", plan="nope")


def test_join_address_is_full_and_host_aware(monkeypatch):
    from stpgame.ui import workshop_base

    monkeypatch.delenv("STPGAME_JOIN_URL", raising=False)
    monkeypatch.setenv("SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("SERVER_PORT", "9000")
    monkeypatch.setattr(workshop_base, "lan_address", lambda: "192.168.1.20")
    link, note = workshop_base.join_address("AB3XY", {"host": ["localhost:9000"]})
    assert link == "http://192.168.1.20:9000/join/AB3XY" and note == ""
    link, _ = workshop_base.join_address("AB3XY", {"host": ["10.0.0.7:9000"]})
    assert link == "http://10.0.0.7:9000/join/AB3XY"
    monkeypatch.setenv("SERVER_NAME", "127.0.0.1")
    link, note = workshop_base.join_address("AB3XY", {"host": ["127.0.0.1:9000"]})
    assert link == "http://127.0.0.1:9000/join/AB3XY" and "HOST=0.0.0.0" in note
    monkeypatch.setenv("STPGAME_JOIN_URL", "https://game.example.org/")
    assert workshop_base.join_address("AB3XY", {})[0] == "https://game.example.org/join/AB3XY"
    assert workshop_base.qr_svg("http://x/join/AB3XY").startswith("<svg")


def test_sankey_speaks_in_words_and_pounds():
    from stpgame.ui import workshop_charts

    room = Room.open("fortress", seed=3, structure="simple")
    room.advance()
    room.advance()
    snap = snapshot(room)
    for option in (workshop_charts.flows(snap, 0), workshop_charts.flows(snap, all_years=True)):
        text = json.dumps(option)
        assert "out:" not in text and "in:" not in text
        series = option["series"][0]
        assert all("£" in lk["tooltip"]["formatter"] for lk in series["links"])
        assert {n["label"]["position"] for n in series["data"]} <= {"left", "right"}
    total = sum(lk["value"] for lk in snap.totals["links"] if lk["target"] == "Pooled fund")
    assert total == pytest.approx(room.flow_totals["contribution"].sum(), abs=0.05)


def test_a_new_chief_executive_is_the_models_turnover_at_one_body():
    room = Room.open("canterbury", seed=9, structure="simple")
    same = Room.open("canterbury", seed=9, structure="simple")
    for r in (room, same):
        r.advance()
        r.advance()
    trust = room.model.relationships.mean_trust().copy()
    with pytest.raises(RoomError, match="choose the body"):
        room.play_event("new_chief_executive")
    change = room.play_event("new_chief_executive", 3)
    assert change["body"] == "Council" and change["params"] == {}
    assert snapshot(room).changes[-1]["words"].startswith("New chief executive at Council:")
    after = room.model.relationships.mean_trust()
    assert after[3] < trust[3] - 0.05  # its links fall to a stranger's trust
    for r in (room, same):
        r.advance()
    df, base = room.debrief(), same.debrief()
    assert not np.allclose(df[df["round"] == 3]["trust"], base[base["round"] == 3]["trust"])
    replay = Room.from_dict(json.loads(room.session_file()))
    pd.testing.assert_frame_equal(replay.debrief(), df)


def test_what_each_body_did_to_the_others_is_a_replay_with_it_pooling():
    from stpgame.workshop.debrief import effects

    room = Room.open("fortress", seed=4, structure="simple")
    giver, keeper = seated(room, 0, 1)
    for _ in range(4):
        room.decide(giver.token, 1.0)
        room.decide(keeper.token, 0.0)
        room.advance(force=True)
    df = effects(room).set_index("body")
    # the body that pooled everything: the replay is the game itself, to the penny
    assert df.loc["Acute trust", "others"] == 0.0 and df.loc["Acute trust", "itself"] == 0.0
    assert df.loc["Acute trust", "pooled"] == 1.0 and df.loc[room.labels[1], "pooled"] == 0.0
    # the one that kept everything: its books gained, and the difference is real money
    assert df.loc[room.labels[1], "itself"] > 0.1
    assert abs(df.loc[room.labels[1], "others"]) > 0.01
    assert room.year == 4 and len(room.events) == 4 * 3  # the room itself untouched


def test_the_autopilot_twin_is_the_game_without_that_bodys_decisions():
    room = Room.open("fortress", seed=7, structure="simple")
    asha, ben = seated(room, 0, 2)
    room.advance(force=True)  # year 1: both on autopilot (undecided)
    room.change_rules(risk_share=0.5)
    room.decide(ben.token, 0.0)
    room.decide(asha.token, 1.0)
    room.advance()
    room.play_event("new_chief_executive", 3)
    room.decide(asha.token, 0.5)
    room.decide(ben.token, 1.0)
    room.advance()
    assert room.twin_result(1) is None  # nobody decided for the community trust
    # the twin of body 0 = the log without body 0's decisions, replayed
    data = json.loads(room.session_file())
    data["events"] = [e for e in data["events"] if not (e["kind"] == "decision" and e["body"] == 0)]
    alone = Room.from_dict(data)
    balance, added = room.twin_result(0)
    assert balance == alone.model.organisations[0].balance
    assert added == pytest.approx(alone.debrief().query("org_id == 0")["balance"].sum())
    assert added != pytest.approx(room.debrief().query("org_id == 0")["balance"].sum())
    replay = Room.from_dict(json.loads(room.session_file()))
    assert replay.twin_result(0) == room.twin_result(0)
    assert replay.twin_result(2) == room.twin_result(2)
    from stpgame.ui import workshop_html

    assert "vs your autopilot twin" in workshop_html.books(snapshot(room), 0)


def _played_file(scenario: str = "fortress") -> dict:
    room = Room.open(scenario, seed=9, structure="simple")
    (alice,) = seated(room, 0)
    for level in (1.0, 0.25):
        room.decide(alice.token, level)
        room.advance(force=True)
    return json.loads(room.session_file())


def test_a_room_file_keeps_its_rules_and_results_and_replays_them():
    """Format 2: the file keeps every parameter the room started with and each year's
    summed result and pooling; its replay gives the same and says nothing."""
    data = _played_file()
    assert data["format_version"] == 2 and len(data["results"]) == 2
    assert data["params"]["history_years"] == 1 and "structure" not in data["params"]
    replay = Room.from_dict(data)
    assert replay.replay_note == "" and replay.results == data["results"]


def test_a_room_file_replays_under_its_own_rules_after_the_preset_changed():
    """A file from when the preset differed (here: no year before 2016/17) replays with the
    value it kept, not today's preset, and its results check out."""
    room = Room.open("fortress", seed=9, structure="simple", history_years=0)
    room.advance(force=True)
    data = json.loads(room.session_file())
    data["overrides"] = {}  # as if history_years 0 had been the preset then
    replay = Room.from_dict(data)
    assert replay.model.params.history_years == 0
    assert replay.replay_note == "" and replay.results == data["results"]
    data["params"]["history_years"] = 1  # the rules it claims are not the ones it played
    assert "different results" in Room.from_dict(data).replay_note


def test_an_old_room_file_says_it_may_not_be_the_session_as_played():
    data = _played_file()
    for key in ("params", "results", "stpgame_version"):
        del data[key]
    data["format_version"] = 1
    replay = Room.from_dict(data)
    assert replay.year == 2 and "did not keep its parameters" in replay.replay_note
    data = _played_file()
    data["params"]["a_rule_from_elsewhere"] = 1.0
    with pytest.raises(RoomError, match="a_rule_from_elsewhere"):
        Room.from_dict(data)


def test_a_replay_that_differs_keeps_saying_so_and_keeps_the_session_as_played():
    """Saved again after a replay that differed (or of a format-1 file), the file still
    carries the note and the results as they were played, not the replay's."""
    data = _played_file()
    played = [list(r) for r in data["results"]]
    data["params"]["history_years"] = 0  # a replay that cannot give the file's results
    room = Room.from_dict(data)
    assert "different results" in room.replay_note
    again = json.loads(room.session_file())
    assert again["results"] == played and again["replay_note"] == room.replay_note
    assert Room.from_dict(again).replay_note == room.replay_note
    old = _played_file()
    for key in ("params", "results", "stpgame_version", "replay_note"):
        del old[key]
    old["format_version"] = 1
    resaved = json.loads(Room.from_dict(old).session_file())
    assert "did not keep its parameters" in Room.from_dict(resaved).replay_note


@pytest.mark.parametrize(
    "results", [[[1.0]], [[1.0, 2.0], [3.0]], [[1.0, 2.0, 3.0, 4.0]], "x", [[1.0, float("nan")]]]
)
def test_a_room_file_with_malformed_results_is_refused(results):
    data = _played_file()
    data["results"] = results
    with pytest.raises(RoomError, match="results"):
        Room.from_dict(data)


def test_every_preset_opens_a_room_on_a_real_place():
    """A real place is one of England's footprints whatever the preset's own structure
    (Canterbury's is four simple footprints)."""
    from stpgame.core import scenarios
    from stpgame.workshop.room import PLACES

    place = sorted(PLACES)[0]
    for name in scenarios.names():
        room = Room.open(name, seed=1, structure=place)
        assert room.model.structure.n_footprints == 1, name
