"""The download tab: this run's data (CSV), settings (JSON) and charts (PNG).

Files are made only when a button is pressed (``FileDownload`` with a
function), so the tab costs nothing while the game plays.
"""

from __future__ import annotations

import solara

from stpgame.ui import export
from stpgame.ui.state import TabState
from stpgame.ui.style import Md


@solara.component
def Download(label: str, make, filename: str, mime: str, key: str):
    """A download button: the file is made by ``make`` only when it is pressed."""
    solara.FileDownload(
        make,
        filename=filename,
        label=label,
        mime_type=mime,
        children=[
            solara.Button(
                label, icon_name="mdi-download", classes=[f"download-{key}"], outlined=True
            )
        ],
    )


@solara.component
def Downloads(state: TabState, version: int):
    """(``version``: the tab's tick, passed down so only the page listens to it.)"""
    s = state.session
    fp = state.footprint.value

    def name(what: str, ext: str) -> str:
        return export.filename(s, what, ext)

    Md(
        f"## Download this run (year {s.round})\n"
        "Data as CSV (one row per year; one row per organisation per year), the settings "
        "with every choice made playing an organisation, which rerun it exactly "
        "(`stpgame.ui.export.rerun(file)`), and the charts as pictures.",
        classes=["view-title"],
    )
    csv, png = "text/csv", "image/png"
    with solara.Card("Data"), solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        Download(
            "Year by year, rules A",
            lambda: export.model_csv(s, "A"),
            name("model_A", "csv"),
            csv,
            "model-A",
        )
        Download(
            "Each organisation, rules A",
            lambda: export.org_csv(s, "A"),
            name("orgs_A", "csv"),
            csv,
            "orgs-A",
        )
        Download(
            "Year by year, rules B",
            lambda: export.model_csv(s, "B"),
            name("model_B", "csv"),
            csv,
            "model-B",
        )
        Download(
            "Each organisation, rules B",
            lambda: export.org_csv(s, "B"),
            name("orgs_B", "csv"),
            csv,
            "orgs-B",
        )
        Download(
            "Settings (JSON)",
            lambda: export.settings_json(s),
            name("settings", "json"),
            "application/json",
            "settings",
        )
    with solara.Card("Charts"), solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        Download(
            "Together vs alone",
            lambda: export.charts_png(s),
            name("charts", "png"),
            png,
            "charts",
        )
        Download(
            "Rules A vs B", lambda: export.compare_png(s), name("a_vs_b", "png"), png, "compare"
        )
        Download(
            "Relationship network",
            lambda: export.network_png(s, fp),
            name(f"network_{fp + 1}", "png"),
            png,
            "network",
        )
