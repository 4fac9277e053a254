"""Page styling for a projector: large type, strong contrast, blue = system, orange = individual."""

from __future__ import annotations

from collections.abc import Callable

import solara
import solara.server.settings
from solara import v

from stpgame.ui import texts


def hide_solara_banner() -> None:
    """Turn off Solara's "This website runs on Solara" line.

    Solara pins it to the bottom-right corner of the window, over the title of the
    bottom-right chart. Its own setting ``theme.show_banner`` (environment variable
    ``SOLARA_THEME_SHOW_BANNER``) removes it; the server reads the setting for each
    page it sends, and runs ``app.py`` (and so this module) before sending the first.
    """
    solara.server.settings.theme.show_banner = False


hide_solara_banner()

CSS = f"""
.v-application {{ font-size: 18px; }}
.v-application .solara-markdown {{ font-size: 18px; }}
.v-application .solara-markdown p {{ margin-bottom: 8px; }}
.v-application .v-label, .v-application .v-select__selection {{ font-size: 17px; }}
.view-title h2 {{ font-size: 28px; margin: 2px 0 4px 0; }}
.run-bar {{ position: sticky; top: -12px; z-index: 5; background: white !important;
    padding: 6px 0 8px 0; border-bottom: 2px solid #dde3ee; margin-bottom: 8px;
    flex-wrap: wrap; row-gap: 6px; }}
/* Two columns side by side (together | alone, A | B) where both fit, one above the other
   where they do not: a phone, or a projector's 1280 px with the sidebar open leaves each
   column about 420 px. */
.two-up {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr));
    gap: 12px 16px; align-items: start; }}
.two-up > * {{ min-width: 0; }}
.year-counter {{ font-size: 32px; font-weight: 800; margin-right: 8px; white-space: nowrap; }}
.run-bar-title {{ font-size: 24px; font-weight: 600; margin-left: 12px; color: #333; }}
.run-buttons .v-btn {{ font-size: 17px; }}
.scenario-summary {{ display: block; font-size: 16px; margin-bottom: 8px; color: #333; }}
.rule {{ margin: 6px 0 2px 0; }}
.rule-label {{ font-size: 16px; }}
.rule-value {{ font-size: 16px; font-weight: 700; white-space: nowrap; }}
.rule-changed {{ font-size: 14px; color: #b35900; }}
.system-card {{ border-top: 8px solid {texts.SYSTEM_COLOUR} !important; }}
.ab-b .system-card {{ border-top-color: {texts.B_COLOUR} !important; }}
.ab-b .system-card .v-card__title {{ color: {texts.B_COLOUR} !important; }}
.individual-card, .player-card {{ border-top: 8px solid {texts.INDIVIDUAL_COLOUR} !important; }}
.system-card .v-card__title, .individual-card .v-card__title, .player-card .v-card__title
    {{ font-size: 24px; font-weight: 700; word-break: normal; }}
.system-card .v-card__title {{ color: {texts.SYSTEM_COLOUR}; }}
.individual-card .v-card__title, .player-card .v-card__title {{ color: {texts.INDIVIDUAL_COLOUR}; }}
.big-grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
    gap: 10px 14px; }}
.big-number {{ margin: 2px 0; }}
.big-value {{ display: block; font-size: 30px; white-space: nowrap; font-weight: 800; line-height: 1.15; }}
.big-label {{ display: block; font-size: 16px; color: #333; }}
.big-note {{ display: block; font-size: 14px; color: #555; }}
.card-note {{ display: block; font-size: 16px; color: #333; margin-top: 6px; }}
.type-table {{ overflow-x: auto; }}
.type-table table {{ font-size: 18px; border-collapse: collapse; width: 100%; }}
.type-table td, .type-table th {{ padding: 5px 4px; line-height: 1.3; text-align: right;
    border-bottom: 1px solid #e0e0e0; }}
.type-table td:first-child, .type-table th:first-child {{ text-align: left; padding-left: 0; }}
.type-table td:last-child, .type-table th:last-child {{ padding-right: 0; }}
.type-table td:not(:first-child):not(:last-child) {{ white-space: nowrap; }}
.type-table th {{ font-size: 15px; font-weight: 600; color: #444; vertical-align: bottom; }}
.individual-table .count {{ font-size: 14px; color: #555; }}
.payoff-table table {{ font-size: 22px; width: auto; margin: 8px 0; }}
.payoff-table td, .payoff-table th {{ text-align: center !important; padding: 10px 22px;
    border: 1px solid #bbb; }}
.payoff-table th {{ vertical-align: middle !important; }}
.payoff-table .them {{ font-size: 16px; color: #555; }}
.payoff-table .equilibrium {{ background: #fde8d8; }}
.chart {{ margin-top: 12px; }}
.network-summary {{ display: block; font-size: 20px; margin: 6px 0; }}
.v-tab {{ font-size: 17px !important; text-transform: none !important; letter-spacing: 0 !important; }}
.glossary li {{ margin-bottom: 6px; }}
.player-history {{ max-height: 420px; overflow-y: auto; }}
/* Phones: Solara's sidebar is at least 400 px wide and opens over the page; keep it
   narrower than the screen so the page behind (tap it to close the sidebar) stays reachable. */
@media (max-width: 600px) {{
  .v-navigation-drawer {{ min-width: 0 !important; width: 85vw !important; max-width: 85vw !important; }}
  .type-table table {{ font-size: 16px; }}
  .type-table th {{ font-size: 14px; }}
  .type-table td, .type-table th {{ padding: 4px 2px; }}
}}
"""


@solara.component
def Style():
    """The app's stylesheet."""
    solara.Style(CSS)


@solara.component
def Md(text: str, classes: list[str] = []):  # noqa: B006 (Solara props are never mutated)
    """Markdown inside a div carrying CSS classes (solara.Markdown takes none)."""
    with solara.Div(classes=classes):
        solara.Markdown(text)


@solara.component
def Expander(summary: str, content: Callable[[], None], expand: bool = False, css: str = ""):
    """A collapsible section whose content is only built while it is open (``css``: classes).

    (``solara.Details`` builds hidden content too; every element on the page adds to the
    cost of each redraw during Play.)
    """
    is_open, set_open = solara.use_state(expand)
    panels = v.ExpansionPanels(
        v_model=0 if is_open else None, on_v_model=lambda m: set_open(m == 0), class_=css
    )
    with panels, v.ExpansionPanel():
        v.ExpansionPanelHeader(children=[summary])
        with v.ExpansionPanelContent():
            if is_open:
                content()
