"""The central view: the whole system beside each organisation on its own, live.

Left, in blue: what everyone gets together (system balance, collective welfare
against everyone pooling, hospital pressure, patient outcomes, the price of
fortress behaviour). Right, in orange: what each type of organisation gets on
its own (its books, its regulatory score, whether it pools). Big numbers on
top for the back of the room, charts below.
"""

from __future__ import annotations

from html import escape

import solara

from stpgame.core.outputs import REGISTRY as OUTPUTS
from stpgame.ui import charts, echarts, texts
from stpgame.ui.chart_widget import EChart, to_json
from stpgame.ui.charts import Chart
from stpgame.ui.state import TabState, count, money, percent


@solara.component
def ChartView(chart: Chart, height: int = 300):
    """One live chart, drawn by ECharts in the browser; marked drawn with its last year."""
    option = solara.use_memo(lambda: to_json(echarts.option(chart)), [chart])
    last = str(chart.rounds[-1]) if chart.rounds else "0"
    EChart(option, last, f"chart chart-{chart.key}", height)


@solara.component
def BigNumber(label: str, value: str, note: str = "", key: str = ""):
    """A large number with its label (and a note), readable from the back of the room."""
    with solara.Column(gap="0px", classes=["big-number", f"big-{key}" if key else "big"]):
        solara.Text(value, classes=["big-value", f"value-{key}" if key else "value"])
        solara.Text(label, classes=["big-label"])
        if note:
            solara.Text(note, classes=["big-note"])


def price_note(history) -> str:
    """The note under the price of fortress behaviour: this year's, and whether it is paid back."""
    if not len(history):
        return ""
    this_year = history.latest("price_of_fortress")
    if history.latest("cumulative_price_of_fortress") < 0:
        return f"this year {money(this_year)}; not yet paid back"
    return f"this year {money(this_year)}"


@solara.component
def SystemCard(history, version: int, title: str = texts.SYSTEM_HEADING):
    """Headline numbers of one run (``version`` changes whenever the history does)."""
    h = history
    with solara.Card(title, classes=["system-card"]), solara.Div(classes=["big-grid"]):
        BigNumber(
            "system balance this year", money(h.latest("system_balance")), key="system-balance"
        )
        BigNumber(
            "price of fortress so far",
            money(h.latest("cumulative_price_of_fortress")),
            price_note(h),
            key="price",
        )
        BigNumber("of bodies pooling", percent(h.latest("cooperation_rate")), key="pooling")
        BigNumber("delayed transfer bed days", count(h.latest("delayed_bed_days")), key="delays")
        BigNumber("emergency admissions", count(h.latest("emergency_admissions")), key="admissions")
        BigNumber(
            "patient-outcome index",
            "–" if not len(h) else f"{h.latest('patient_outcome_index'):.1f}",
            OUTPUTS["patient_outcome_index"].display_unit(),  # what 100 means
            key="outcomes",
        )


def type_table(rows: list[dict]) -> str:
    """HTML table of this year's individual outcomes per organisation type."""
    head = "".join(f"<th>{h}</th>" for h in ("", "pooling", "own balance", "in deficit", "rating"))
    body = ""
    for row in rows:
        name = (
            f"<b>{escape(texts.ORG_SHORT_PLURAL[str(row['org_type'])])}</b> "
            f"<span class='count'>({row['count']})</span>"
        )
        if "pooled" in row:
            cells = (
                percent(row["pooled"]),
                money(row["balance"]),
                percent(row["in_deficit"]),
                texts.RATING_SHORT[int(row["rating"])],
            )
        else:
            cells = ("–",) * 4
        body += f"<tr><td>{name}</td>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"
    return f"<table><tr>{head}</tr>{body}</table>"


@solara.component
def IndividualCard(history, version: int):
    """What each type of organisation gets on its own: its books and its rating."""
    with solara.Card(texts.INDIVIDUAL_HEADING, classes=["individual-card"]):
        solara.HTML(
            unsafe_innerHTML=type_table(history.type_summary()),
            classes=["type-table", "individual-table"],
        )
        solara.Text(
            "What each body is judged on: its own books and its rating, from 1 (maximum "
            "autonomy) to 4 (special measures). Pooling costs it now; most savings come "
            "later, in other bodies' books.",
            classes=["card-note"],
        )


@solara.component
def Overview(state: TabState, version: int):
    """(``version``: the tab's tick, passed down so only the page listens to it.)"""
    s = state.session
    with s.lock:
        h = s.a.history
        collective = charts.collective(h)
        individual = charts.individual(h)
        version = s.version
    with solara.Div(classes=["two-up", "together-alone"]):
        with solara.Column(classes=["collective-column"]):
            SystemCard(h, version)
            for chart in collective:
                ChartView(chart)
        with solara.Column(classes=["individual-column"]):
            IndividualCard(h, version)
            for chart in individual:
                ChartView(chart)
