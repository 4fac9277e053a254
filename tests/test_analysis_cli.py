"""The analyse, match, tournament and evolve commands: output, files and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stpgame import cli
from stpgame.strategies import REGISTRY


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_analyse_payoffs_text_and_json(capsys):
    code, out, _ = run(capsys, "analyse", "--payoffs", "3,0,5,1")
    assert code == 0
    assert "Type: prisoner's dilemma" in out
    assert "grim trigger 0.5" in out and "tit for tat 0.667" in out
    code, out, _ = run(capsys, "analyse", "--payoffs", "4,0,3,1", "--json")
    data = json.loads(out)
    assert data["analysis"]["kind"] == "stag hunt"
    assert len(data["analysis"]["equilibria"]) == 3


def test_analyse_scenarios(capsys):
    code, out, _ = run(capsys, "analyse", "--scenario", "fortress", "--json")
    data = json.loads(out)
    assert code == 0 and data["analysis"]["kind"] == "deadlock"  # central evidence
    assert [r["org_type"] for r in data["n_player"]] == ["acute", "community", "ccg", "council"]
    assert all(r["withholding_dominant"] for r in data["n_player"][:3])
    code, out, _ = run(
        capsys, "analyse", "--scenario", "fortress", "--set", "savings_multiplier=1.5", "--json"
    )
    data = json.loads(out)
    assert data["analysis"]["kind"] == "prisoner's dilemma"
    code, out, _ = run(capsys, "analyse", "--scenario", "canterbury")
    assert "Type: harmony" in out and "N-player view" in out
    code, out, _ = run(capsys, "analyse", "--scenario", "system_control_total", "--rounds", "2")
    assert code == 0 and "year 3" in out


def test_analyse_compares_the_game_each_regime_creates(capsys):
    """Same places, seed and replays, one rule changed: without control totals a provider's
    pooled pound costs it about £1 (hopeful savings land later); with its own total, the
    quarterly STF and the year end's £1 for £1 beyond the total it costs about £2 (the
    letter: "an equivalent bottom line improvement of £2"), and a shared total eases that."""
    code, out, _ = run(
        capsys, "analyse", "--scenario", "hopeful_evidence", "--json",
        "--compare", "control_total=individual,system,none",
    )  # fmt: skip
    assert code == 0
    games = {g["value"]: g for g in json.loads(out)["games"]}
    assert list(games) == ["individual", "system", "none"]
    acute = {k: g["own_return_acute"] for k, g in games.items()}
    assert acute["individual"] < acute["system"] < acute["none"]
    assert acute["individual"] == pytest.approx(-2.0, abs=0.2)
    assert acute["none"] == pytest.approx(-1.0, abs=0.2)
    code, out, _ = run(
        capsys, "analyse", "--scenario", "hopeful_evidence",
        "--compare", "stf_redistribution=0,1",
    )  # fmt: skip
    assert code == 0 and "stf_redistribution" in out and "own_return_acute" in out
    code, out, _ = run(
        capsys, "analyse", "--scenario", "hopeful_evidence", "--json",
        "--compare", "stf_redistribution=0,1",
    )  # fmt: skip
    kept, paid = (g["own_return_acute"] for g in json.loads(out)["games"])
    assert paid < kept - 0.5  # the year end's £1 for £1 makes pooling dearer


def test_match_text_and_json(capsys):
    code, out, _ = run(capsys, "match", "tit_for_tat", "always_defect", "--turns", "10")
    assert code == 0
    assert "CDDDDDDDDD" in out and "DDDDDDDDDD" in out
    code, out, _ = run(capsys, "match", "tit_for_tat", "always_defect", "--turns", "10", "--json")
    data = json.loads(out)
    assert data["scores"] == [9.0, 14.0]  # 9P + S and T + 9P
    assert data["cooperations"] == [1, 0]
    assert data["moves"] == ["CDDDDDDDDD", "DDDDDDDDDD"]
    code, out, _ = run(
        capsys, "match", "win_stay_lose_shift", "win_stay_lose_shift", "--turns", "500",
        "--continuation", "0.9", "--noise", "0.05", "--payoffs", "4,0,6,1", "--seed", "3", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert 1 <= data["turns"] <= 500 and data["payoffs"] == {"R": 4, "S": 0, "T": 6, "P": 1}


def test_tournament_prints_a_ranking_and_writes_csv(capsys, tmp_path):
    target = tmp_path / "ranking.csv"
    code, out, _ = run(
        capsys, "tournament", "tit_for_tat", "always_defect", "always_cooperate",
        "--turns", "20", "--repetitions", "2", "--csv", str(target),
    )  # fmt: skip
    assert code == 0 and "rank" in out and "tit_for_tat" in out
    df = pd.read_csv(target)
    assert list(df["rank"]) == [1, 2, 3]
    assert list(df.columns) == ["rank", "strategy", "score_per_turn", "se", "cooperation_rate"]
    assert [p.name for p in tmp_path.iterdir()] == ["ranking.csv"]  # no temporary files left
    code, out, _ = run(
        capsys, "tournament", "--all", "--turns", "5", "--repetitions", "1", "--json"
    )
    assert {r["strategy"] for r in json.loads(out)["ranking"]} == set(REGISTRY)


def test_tournament_in_the_stp_game(capsys):
    code, out, _ = run(
        capsys, "tournament", "always_defect", "always_cooperate", "--game", "stp",
        "--scenario", "fortress", "--set", "structure=simple", "--set", "n_footprints=2",
        "--turns", "3", "--repetitions", "1", "--org-types", "council,ccg", "--noise", "0",
    )  # fmt: skip
    assert code == 0
    assert "STP tournament in 'fortress'" in out and "ccg/council" not in out
    assert "council/ccg" in out


def test_failed_csv_write_leaves_the_old_file(capsys, tmp_path, monkeypatch):
    target = tmp_path / "ranking.csv"
    target.write_text("old\n")

    def broken(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    code, _, err = run(capsys, "tournament", "tit_for_tat", "--turns", "3", "--csv", str(target))
    assert code == 2
    assert err == f"stpgame tournament: error: --csv {target}: cannot write there (disk full)\n"
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ranking.csv"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_unwritable_csv_folder_is_refused_before_the_tournament(capsys, monkeypatch):
    from stpgame.analysis import tournament

    def never(*a, **k):
        raise AssertionError("the tournament ran before --csv was checked")

    monkeypatch.setattr(tournament, "round_robin", never)
    code, _, err = run(capsys, "tournament", "--all", "--csv", "/proc/ranking.csv")
    assert code == 2
    assert err.startswith(
        "stpgame tournament: error: --csv /proc/ranking.csv: cannot write there ("
    )
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", ["tournament", "evolve"])
def test_an_empty_csv_path_is_refused_not_ignored(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, command, "tit_for_tat", "always_defect", "--csv", "")
    assert code == 2 and out == ""
    assert err == (
        f"stpgame {command}: error: parameter '--csv': allowed a file path (not a folder); got ''\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_evolve_methods(capsys, tmp_path):
    players = ["tit_for_tat", "always_defect", "win_stay_lose_shift"]
    code, out, _ = run(capsys, "evolve", *players, "--generations", "20", "--turns", "50", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 21
    assert all(abs(sum(r[p] for p in players) - 1) < 1e-9 for r in rows)
    target = tmp_path / "moran.csv"
    code, out, _ = run(
        capsys, "evolve", *players, "--method", "moran", "--generations", "5",
        "--population", "20", "--turns", "20", "--csv", str(target),
    )  # fmt: skip
    df = pd.read_csv(target)
    assert list(df.columns) == ["generation", *players] and len(df) == 6
    code, out, _ = run(
        capsys, "evolve", "always_defect", "always_cooperate", "--method", "stp",
        "--generations", "2", "--turns", "3", "--set", "structure=simple",
    )  # fmt: skip
    assert code == 0 and "imitation in 'fortress'" in out and "Largest share" in out


BAD = [
    (["match", "tit_for_tatt", "always_defect"], "unknown strategy"),
    (["match", "tit_for_tat", "always_defect", "--turns", "0"], "turns"),
    (["match", "tit_for_tat", "always_defect", "--turns", "1.5"], "turns"),
    (["match", "tit_for_tat", "always_defect", "--noise", "1.2"], "noise"),
    (["match", "tit_for_tat", "always_defect", "--continuation", "-1"], "continuation"),
    (["match", "tit_for_tat", "always_defect", "--payoffs", "3,0,x,1"], "--payoffs"),
    (["analyse", "--payoffs", "3,0,5"], "--payoffs"),
    (["analyse", "--scenario", "nowhere"], "scenario"),
    (["analyse", "--scenario", "fortress", "--set", "system_weight=9"], "system_weight"),
    (["analyse", "--payoffs", "3,0,5,1", "--set", "noise=0"], "--set"),
    (["analyse", "--payoffs", "3,0,5,1", "--compare", "noise=0,1"], "--compare"),
    (["analyse", "--scenario", "fortress", "--compare", "noise=0"], "--compare"),
    (["analyse", "--scenario", "fortress", "--compare", "noise"], "--compare"),
    (["analyse", "--scenario", "fortress", "--compare", "nosie=0,1"], "nosie"),
    (["analyse", "--scenario", "fortress", "--compare", "noise=0,0"], "each once"),
    (["analyse", "--scenario", "fortress", "--compare", "noise=0,3"], "noise"),
    (
        ["analyse", "--scenario", "fortress", "--set", "noise=0", "--compare", "noise=0,1"],
        "not also given with --set",
    ),
    (["tournament"], "--all"),
    (["tournament", "tit_for_tat", "--all"], "--all"),
    (["tournament", "tit_for_tat", "bogus"], "bogus"),
    (["tournament", "--all", "--repetitions", "0"], "repetitions"),
    (["tournament", "--all", "--game", "stp", "--turns", "0"], "parameter '--turns'"),
    (["tournament", "--all", "--noise", "2"], "noise"),
    (["tournament", "--all", "--game", "chess"], "--game"),
    (["tournament", "--all", "--scenario", "fortress"], "--game stp"),
    (["evolve", "--all", "--org-types", "council"], "--method stp"),
    (["tournament", "--all", "--game", "stp", "--payoffs", "1,0,2,0"], "--game pd"),
    (["tournament", "--all", "--game", "stp", "--org-types", "gp"], "--org-types"),
    (["tournament", "--all", "--csv", "/no/such/folder/x.csv"], "--csv"),
    (["evolve", "--all", "--method", "magic"], "--method"),
    (["evolve", "--all", "--method", "moran", "--population", "1"], "population"),
    (["evolve", "--all", "--method", "moran", "--selection", "-1"], "selection"),
    (["evolve", "--all", "--generations", "0"], "generations"),
    (["evolve", "--all", "--game", "stp"], "--method stp"),
]


@pytest.mark.parametrize(("argv", "named"), BAD)
def test_bad_input_exits_2_with_one_clear_line(capsys, argv, named):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert named in err


def test_unknown_strategy_lists_every_choice(capsys):
    code, _, err = run(capsys, "tournament", "tit_for_tat", "nope")
    assert code == 2
    assert all(name in err for name in REGISTRY)


@pytest.mark.slow
def test_real_process_exit_status():
    proc = subprocess.run(
        [sys.executable, "-m", "stpgame", "match", "tit_for_tat", "x", "--turns", "5"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "unknown strategy" in proc.stderr and "Traceback" not in proc.stderr


def test_match_default_payoffs_are_axelrods():
    from stpgame.analysis.stage_game import AXELROD_PAYOFFS
    from stpgame.cli import match

    assert ",".join(f"{x:g}" for x in AXELROD_PAYOFFS) == match.AXELROD


def test_negative_payoffs_are_values_not_options(capsys):
    """Costs are naturally negative: ``--payoffs -5,-15,0,-10`` is one value (issue 10)."""
    code, out, _ = run(capsys, "analyse", "--payoffs", "-5,-15,0,-10")
    assert code == 0 and "R = -5  S = -15  T = 0  P = -10" in out


@pytest.mark.parametrize(
    ("settings", "words"),
    [(["seed=3"], "give seed with --seed"), (["noise=0.1", "noise=0.2"], "given twice")],
)
def test_set_refuses_own_flags_and_repeats(capsys, tmp_path, settings, words):
    argv = ["run", "--scenario", "fortress", "--rounds", "1", "--out", str(tmp_path / "o")]
    for pair in settings:
        argv += ["--set", pair]
    code, _, err = run(capsys, *argv)
    assert code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["analyse", "--payoffs", "3,0,5,1", "--rounds", "3"],
            "--rounds applies only with --scenario",
        ),
        (["analyse", "--payoffs", "3,0,5,1", "--seed", "1"], "--seed applies only with --scenario"),
        (
            ["tournament", "tit_for_tat", "always_defect", "--scenario", ""],
            "--scenario applies only",
        ),
        (
            ["tournament", "tit_for_tat", "always_defect", "--org-types", ""],
            "--org-types applies only",
        ),
        (
            ["tournament", "tit_for_tat", "always_defect", "--game", "stp", "--org-types", ""],
            "org",
        ),
        (
            ["evolve", "tit_for_tat", "always_defect", "--population", "0"],
            "--population applies only with --method moran",
        ),
        (
            ["evolve", "tit_for_tat", "always_defect", "--mutation", "2"],
            "--mutation applies only with --method moran",
        ),
        (
            ["evolve", "tit_for_tat", "always_defect", "--method", "moran", "--rate", "0.5"],
            "--rate applies only with --method replicator or stp",
        ),
        (
            ["evolve", "tit_for_tat", "always_defect", "--method", "moran", "--selection", "nan"],
            "selection",
        ),
    ],
)
def test_options_a_command_would_not_use_are_refused_not_ignored(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"stpgame {argv[0]}: error: ") and message in err
    assert err.count("\n") == 1


def test_moran_options_reach_the_moran_process(capsys):
    code, out, _ = run(
        capsys,
        "evolve",
        "tit_for_tat",
        "always_defect",
        "--method",
        "moran",
        "--population",
        "10",
        "--generations",
        "3",
        "--turns",
        "5",
        "--repetitions",
        "1",
    )
    assert code == 0 and "Moran process, population 10," in out
