"""The page's components, rendered without a browser (``solara.render``).

The page sits in an ``AppLayout`` as ``solara run`` puts it; IPython's display hook
is patched as the Solara server does, so the app bar's buttons render too.
"""

from __future__ import annotations

import io
import json
import os

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from reacton import patch_display
from reacton.find import finder

from stpgame.core import scenarios
from stpgame.ui import controls, export, texts
from stpgame.ui.page import Page

# Each test renders the whole Solara page in-process: 0.5-5 s each, ~23 s in all.
pytestmark = pytest.mark.slow

patch_display.patch()


@pytest.fixture
def app():
    _box, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    yield rc
    rc.close()


def widgets(rc, cls, kind=v.Html):
    """Every widget of ``kind`` carrying CSS class ``cls`` (charts: in their attributes)."""
    found: list = []

    def visit(w) -> bool:
        classes = getattr(w, "class_", None) or getattr(w, "attributes", {}).get("class", "")
        if isinstance(w, kind) and (cls is None or cls in (classes or "").split()):
            found.append(w)
        return False  # keep walking into every child

    finder(rc)._walk(visit)
    return found


def one(rc, cls, kind=v.Html):
    found = widgets(rc, cls, kind)
    assert len(found) == 1, f"{len(found)} widgets with class {cls!r}"
    return found[0]


def text(rc, cls) -> str:
    return one(rc, cls).children[0]


def year(rc) -> int:
    return int(text(rc, "year-counter").split()[-1])


def click(rc, cls) -> None:
    one(rc, cls, v.Btn).click()


def open_tab(rc, label: str) -> None:
    (tabs,) = widgets(rc, None, v.Tabs)  # the page's one tab bar, in the app bar
    tabs.v_model = texts.TABS.index(label)


def test_page_starts_at_year_zero_on_the_first_preset(app):
    assert year(app) == 0
    select = one(app, "scenario-select", v.Select)
    assert select.v_model == scenarios.all_scenarios()[0].title
    assert text(app, "value-system-balance") == "–"


def test_step_advances_the_year_and_the_numbers(app):
    click(app, "step-button")
    assert year(app) == 1
    first = text(app, "value-system-balance")
    assert first.startswith(("−£", "£"))
    click(app, "step-button")
    assert year(app) == 2
    assert text(app, "value-system-balance") != first
    welfare = widgets(app, "chart-welfare", v.VuetifyTemplate)[0]
    assert welfare.drawn_key == "2"
    assert len(json.loads(welfare.option)["xAxis"]["data"]) == 2


def test_the_outcome_index_says_what_100_means(app):
    click(app, "step-button")
    number = one(app, "big-outcomes", v.Sheet)  # the value, its label, and what 100 is
    notes = [w.children[0] for w in number.children]
    assert notes[1] == "patient-outcome index"
    assert "100 = demand trend without pooling or cuts" in notes


def test_choosing_a_preset_resets_the_run(app):
    click(app, "step-button")
    click(app, "step-button")
    canterbury = scenarios.get("canterbury")
    one(app, "scenario-select", v.Select).v_model = canterbury.title
    assert year(app) == 0
    assert text(app, "scenario-summary") == canterbury.summary
    assert text(app, "value-system-balance") == "–"


def test_rule_slider_changes_the_rule_and_keeps_the_year(app):
    click(app, "step-button")
    slider = one(app, "rule-savings_lag-A", v.Slider)
    slider.v_model = 5
    assert year(app) == 1  # mid-game: from next year on, as in a workshop room
    assert one(app, "rule-savings_lag-A", v.Slider).v_model == 5
    assert [w.children[0] for w in widgets(app, "rule-changed")] == ["changed from year 2"]
    labels = [w.children[0] for w in widgets(app, "rule-value")]
    assert "5 years" in labels


def test_a_refused_rule_shows_a_message_naming_it(app):
    one(app, "rule-bcf_minimum_share-A", v.Slider).v_model = 1.0
    message = " ".join(str(c) for w in widgets(app, "input-error", v.Alert) for c in w.children)
    assert "Better Care Fund" in message and "bcf_minimum_share" in message and "1.0" in message
    # the preset keeps the 2016/17 minimum
    assert one(app, "rule-bcf_minimum_share-A", v.Slider).v_model == pytest.approx(0.15)


def test_a_refused_seed_is_shown_at_the_seed_box_until_it_is_fixed(app):
    def type_seed(text: str):
        box = one(app, "seed-input", v.TextField)
        box.v_model = text
        box.fire_event("keyup.enter", {})  # the box sends its text on Enter or on leaving it
        return one(app, "seed-input", v.TextField)

    click(app, "step-button")
    box = type_seed("-1")
    assert box.error and box.messages == ["parameter 'seed': allowed a whole number >= 0; got -1"]
    assert widgets(app, "input-error", v.Alert) == []  # not at the top of the sidebar
    assert year(app) == 1  # nothing was reset
    box = type_seed("1")  # the seed in use again: the message goes, the run carries on
    assert not box.error and box.messages == [] and year(app) == 1
    box = type_seed("7")
    assert not box.error and year(app) == 0 and _session_of(app).seed == 7


def test_slider_snapping_is_not_a_change(app):
    click(app, "step-button")
    slider = one(app, "rule-funding_growth-A", v.Slider)
    slider.v_model = slider.v_model + 0.0004  # less than half a step: the slider's rounding
    assert year(app) == 1


def test_ab_with_shared_books_shows_two_outcomes(app):
    """B shares every surplus and deficit across its footprint (``risk_share`` 1) and pools
    more than A, on its own books (docs/decisions.md); the page says what B changes. (B's
    other starting difference, one control total per footprint, moves little: with the
    unearned STF paid out again the system's money is nearly the same either way.)"""
    open_tab(app, "Different rules (A/B)")
    one(app, "rule-risk_share-B", v.Slider).v_model = 1.0
    for _ in range(3):
        click(app, "step-button")
    a, b = (w.children[0] for w in widgets(app, "value-pooling"))
    assert float(b.rstrip("%")) > float(a.rstrip("%"))
    differences = " ".join(w.children[0].template for w in widgets(app, "ab-diff", v.Html))
    assert "Risk share" in differences


def test_ab_same_rules_shows_the_same_outcome(app):
    open_tab(app, "Different rules (A/B)")
    one(app, "rule-control_total-B", v.BtnToggle).v_model = 0
    for _ in range(3):
        click(app, "step-button")
    a, b = (w.children[0] for w in widgets(app, "value-price"))
    assert a == b


def test_play_as_decision_changes_the_players_result(app):
    open_tab(app, "Play an organisation")
    click(app, "player-take")
    balances = {}
    for level in (0.0, 1.0):
        click(app, "reset-button")
        one(app, "player-level", v.Slider).v_model = level
        click(app, "player-step")
        assert year(app) == 1
        balances[level] = text(app, "value-player-balance")
    assert balances[0.0] != balances[1.0]


def test_play_runs_in_a_thread_until_the_stop_year(app):
    one(app, "speed-select", v.Select).v_model = "As fast as it can draw"
    one(app, "stop-select", v.Select).v_model = 10
    click(app, "play-button")
    deadline = 30.0
    import time

    started = time.monotonic()
    while year(app) < 10 and time.monotonic() - started < deadline:
        time.sleep(0.05)
    assert year(app) == 10
    time.sleep(0.3)
    assert year(app) == 10  # stopped at the chosen year
    assert "Play" in one(app, "play-button", v.Btn).children


def test_game_panel_explains_the_stage_game(app):
    open_tab(app, "The game")
    kind = text(app, "value-game-kind")
    assert kind.lower() in {
        "prisoner's dilemma",
        "stag hunt",
        "chicken",
        "harmony",
        "deadlock",
        "other",
    }
    html = " ".join(w.unsafe_innerHTML for w in widgets(app, "payoff-table", solara.widgets.HTML))
    assert "A pools" in html and "equilibrium" in html


def test_network_tab_draws_the_chosen_footprint(app):
    open_tab(app, "Relationships")
    chart = widgets(app, "chart-network", v.VuetifyTemplate)[0]
    places = [item.split(" (")[0] for item in one(app, "footprint-select", v.Select).items]
    assert len(places) == 44 and len(set(places)) == 44
    names = {n["name"] for n in json.loads(chart.option)["series"][0]["data"]}
    assert all(name.endswith(f" in {places[0]}") for name in names)
    one(app, "footprint-select", v.Select).v_model = one(app, "footprint-select", v.Select).items[4]
    chart = widgets(app, "chart-network", v.VuetifyTemplate)[0]
    data = json.loads(chart.option)["series"][0]["data"]
    assert all(n["name"].endswith(f" in {places[4]}") for n in data)


def test_simple_vs_complex_shows_two_footprints_side_by_side(app):
    preset = scenarios.get("simple_vs_complex")
    one(app, "scenario-select", v.Select).v_model = preset.title
    assert "side by side" in text(app, "where-to-look")
    click(app, "step-button")
    open_tab(app, "Relationships")
    charts = widgets(app, "chart-network", v.VuetifyTemplate)
    sizes = [len(json.loads(c.option)["series"][0]["data"]) for c in charts]
    assert sorted(sizes) == [4, 20]  # one simple, one complex footprint
    assert len(widgets(app, "chart-fp_pooling", v.VuetifyTemplate)) == 1
    beside = one(app, "beside-select", v.Select)
    beside.v_model = beside.items[0]  # none: one footprint
    assert len(widgets(app, "chart-network", v.VuetifyTemplate)) == 1


def test_downloads_give_files_that_parse(app):
    click(app, "step-button")
    click(app, "step-button")
    open_tab(app, "Download")
    assert widgets(app, "download-model-A", v.Btn)
    # the buttons call the export functions with this tab's session
    session = _session_of(app)
    df = pd.read_csv(io.BytesIO(export.model_csv(session, "A")))
    assert list(df["round"]) == [1, 2]


def test_each_render_has_its_own_session():
    _, rc1 = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    _, rc2 = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    try:
        click(rc1, "step-button")
        click(rc1, "step-button")
        assert year(rc1) == 2 and year(rc2) == 0
        assert _session_of(rc1) is not _session_of(rc2)
    finally:
        rc1.close()
        rc2.close()


def _session_of(rc):
    """The Session behind a rendered page (through the run buttons' Play loop closure)."""
    from stpgame.ui.state import TabState

    for ctx in _contexts(rc.context_root):
        el = ctx.invoke_element
        if el is not None and el.component == controls.RunBar:
            state = el.args[0]
            assert isinstance(state, TabState)
            return state.session
    raise AssertionError("no RunBar on the page")


def _contexts(ctx):
    yield ctx
    for child in list(ctx.children.values()):
        yield from _contexts(child)


SERVED_SETTINGS = """
import json, re
from solara.server import app, server
app.ensure_apps_initialized()  # what `solara run` does at start-up: runs the app file
html = server.read_root("")    # the first page it sends
print(json.dumps(re.findall(r'"show_banner": *(true|false)', html)))
"""


@pytest.mark.parametrize(("app_file", "shown"), [("app.py", False), ("plain.py", True)])
def test_the_solara_banner_is_off_from_the_first_page(tmp_path, app_file, shown):
    """Solara's "This website runs on Solara" would cover the bottom-right chart's title.

    ``plain.py``, a bare Solara app, shows that the check sees the banner when it is on.
    """
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "plain.py").write_text(
        "import solara\n\n\n@solara.component\ndef Page():\n    solara.Text('plain')\n"
    )
    path = root / app_file if app_file == "app.py" else tmp_path / app_file
    env = {**os.environ, "SOLARA_APP": str(path), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    done = subprocess.run(
        [sys.executable, "-c", SERVED_SETTINGS],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == [json.dumps(shown)]


def test_game_panel_shows_each_kind_of_body_under_rules_a_and_b(app):
    """B starts with one control total per footprint, A with each body's own: a provider's
    pooled pound costs it less when its partners share the total (docs/regimes.md)."""
    open_tab(app, "The game")
    table = " ".join(w.children[0].template for w in widgets(app, "type-table", v.Html))
    for words in ("rules A", "rules B", "(A / B)"):
        assert words in table
    own_a, own_b = game_panel_row(app, "Acute trusts")[:2]
    assert own_b > own_a
    open_tab(app, "Different rules (A/B)")
    one(app, "rule-control_total-B", v.BtnToggle).v_model = 0  # B as A
    open_tab(app, "The game")
    own_a, own_b = game_panel_row(app, "Acute trusts")[:2]
    assert own_b == own_a


def game_panel_row(app, label: str) -> list[float]:
    """The returns (£ per £1 pooled) in the game panel's row for ``label``, as rendered."""
    import re

    (table,) = (w.children[0].template for w in widgets(app, "type-table", v.Html))
    row = table.split(f"<td>{label}</td>", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td>([^<]*)</td>", row)[:4]
    return [float(c.replace("£", "").replace("−", "-")) for c in cells]
