"""'The game underneath': the two-player stage game the current rules create, in words.

All the game theory comes from ``stpgame.analysis`` (the effective game of the
model's rules, its type, equilibria and cooperation thresholds, and the
per-type N-player view); this module only lays it out for a student.
"""

from __future__ import annotations

import solara

from stpgame.analysis.effective_game import effective_game, effective_parameters, n_player_view
from stpgame.analysis.stage_game import OUTCOMES, analyse_game
from stpgame.ui import texts
from stpgame.ui.overview import BigNumber
from stpgame.ui.state import TabState, pounds
from stpgame.ui.style import Md

KIND_WORDS = {
    "prisoner's dilemma": "Each does better alone by withholding, yet both lose if both do.",
    "stag hunt": "Pooling pays if the other pools too: the problem is trust, not temptation.",
    "chicken": "Each would rather the other pooled, but pooling alone beats nobody pooling.",
    "harmony": "Pooling is best whatever the other does: no dilemma.",
    "deadlock": "Both prefer both withholding: pooling does not pay here.",
    "other": "None of the classic dilemmas.",
}


def payoff_table(analysis) -> str:
    """The 2x2 matrix as HTML: A's result (large) and B's (small), % of income against both
    keeping their money (the replayed year, see analysis.effective_game).

    The equilibrium cells are shaded.
    """
    g = analysis.game
    eq = {e.label for e in analysis.equilibria if e.kind == "pure"}

    def cell(a: bool, b: bool) -> str:
        shade = " class='equilibrium'" if OUTCOMES[a, b] in eq else ""
        note = "<br><span class='them'>equilibrium</span>" if shade else ""
        return (
            f"<td{shade}>A {g.payoff(a, b):+.2f}%<br>"
            f"<span class='them'>B {g.payoff(b, a):+.2f}%</span>{note}</td>"
        )

    return (
        "<table><tr><th></th><th>B pools</th><th>B withholds</th></tr>"
        f"<tr><th>A pools</th>{cell(True, True)}{cell(True, False)}</tr>"
        f"<tr><th>A withholds</th>{cell(False, True)}{cell(False, False)}</tr></table>"
    )


def threshold_words(analysis, continuation: float) -> str:
    """In words: how likely meeting again must be for pooling to last, and whether it is here."""
    g = analysis.grim_threshold
    if g is None:
        return "Playing again and again cannot make pooling pay: withholding is at least as good."
    if g == 0:
        return "No threat is needed: pooling already pays this year."
    verdict = (
        "high enough: the threat of withholding for ever can hold pooling together"
        if continuation >= g
        else "too low: threats alone cannot hold pooling together"
    )
    return (
        f"Pooling can last if the two expect to meet again with at least **{g:.2f}** chance "
        f"(grim trigger; tit for tat needs "
        f"{'no value below 1' if analysis.tft_threshold is None else f'{analysis.tft_threshold:.2f}'}). "
        f"Here leaders stay and next year counts about **{continuation:.2f}** "
        f"(leadership turnover and the discount rate): {verdict}."
    )


def returns_table(a_model, b_model) -> str:
    """Markdown table per organisation type, under rules A and B (the same places and
    replays, so the difference is the rules'): what £1 pooled returns to it and to its area,
    and whether withholding pays it best whatever the others do."""
    a, b = n_player_view(a_model), n_player_view(b_model).set_index("org_type")

    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    rows = "".join(
        f"| {texts.org_label(r.org_type, plural=True)} | {pounds(r.own_return)} | "
        f"{pounds(b.at[r.org_type, 'own_return'])} | {pounds(r.system_return)} | "
        f"{pounds(b.at[r.org_type, 'system_return'])} | {yes(r.withholding_dominant)} / "
        f"{yes(b.at[r.org_type, 'withholding_dominant'])} |\n"
        for r in a.itertuples()
    )
    return (
        "| | back to itself per £1 pooled, rules A | rules B | back to its area per £1 "
        "pooled, rules A | rules B | withholding pays it best whatever others do? (A / B) |\n"
        "|---|---|---|---|---|---|\n" + rows
    )


@solara.component
def GamePanel(state: TabState, version: int):
    """(``version``: the tab's tick, passed down so only the page listens to it.)"""
    s = state.session
    with s.lock:
        a_model, b_model = s.a.model, s.b.model
        analysis = analyse_game(effective_game(a_model))
        continuation = effective_parameters(a_model)["continuation"]
        b_kind = analyse_game(effective_game(b_model)).kind
        returns = returns_table(a_model, b_model)
        year = s.round + 1
    Md(
        f"## The game underneath: the incentives for next year (year {year})\n"
        "Two typical organisations, A and B, each deciding whether to pool what it is free to "
        "pool. The numbers are what each makes of the year, as % of its income, compared with "
        "both keeping their money: the model replays the year each way, with every rule in "
        "force (control totals, funds, penalties, bail-outs, cuts), counting pooled money at the "
        "savings it will bring.",
        classes=["view-title"],
    )
    with solara.Row(gap="16px", style={"flex-wrap": "wrap"}):
        BigNumber(
            "the game these rules create",
            analysis.kind.capitalize(),
            KIND_WORDS[analysis.kind],
            key="game-kind",
        )
        BigNumber(
            "equilibrium" if len(analysis.equilibria) == 1 else "equilibria",
            "; ".join(e.label for e in analysis.equilibria),
            key="game-equilibria",
        )
        BigNumber(
            "cooperation threshold",
            "none" if analysis.grim_threshold is None else f"{analysis.grim_threshold:.2f}",
            f"this game: {continuation:.2f}",
            key="game-threshold",
        )
    solara.HTML(unsafe_innerHTML=payoff_table(analysis), classes=["type-table", "payoff-table"])
    Md(threshold_words(analysis, continuation), classes=["game-threshold-text"])
    Md(analysis.explanation, classes=["game-explanation"])
    Md(f"Under **rules B** the same places play a **{b_kind}**.", classes=["game-b"])
    with solara.Details("All the organisations (the N-player view)", expand=True):
        Md(returns, classes=["type-table"])
        solara.Text(
            "Returns: next year, if every other body repeats its last move, under rules A and "
            "under rules B (the tab 'Different rules (A/B)' sets B). A body gains from "
            "withholding when its own return is below zero; the area gains from pooling when "
            "its return is above zero. Both at once is the dilemma. 'Whatever others do' checks "
            "both when all partners pool and when none does, so a threshold (a shared control "
            "total) can make the answer 'no' even where the return is negative.",
            classes=["card-note"],
        )
