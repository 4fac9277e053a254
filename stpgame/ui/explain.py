"""'What is going on': the preset's story and sources, a glossary, the rules and where they come from."""

from __future__ import annotations

import solara

from stpgame.core import scenarios
from stpgame.ui import texts
from stpgame.ui.rules import MAIN_RULES, MORE_RULES
from stpgame.ui.state import TabState
from stpgame.ui.style import Md


def _sources(items) -> str:
    return "\n".join(f"- {src}" for src in items)


@solara.component
def Explain(state: TabState, version: int):
    """The preset in plain English, with its sources, and the other scenarios."""
    preset = state.session.preset
    Md(
        f"## {preset.title}\n*{preset.summary}*\n\n{preset.description}\n\n"
        f"**Sources**\n\n{_sources(preset.sources)}",
        classes=["explain-preset"],
    )
    with solara.Details("The other scenarios"):
        for sc in scenarios.all_scenarios():
            if sc.name != preset.name:
                solara.Markdown(
                    f"### {sc.title}\n*{sc.summary}*\n\n{sc.description}\n\n{_sources(sc.sources)}"
                )
    glossary = "\n".join(f"- **{term}**: {text}" for term, text in texts.GLOSSARY)
    with solara.Details("Glossary", expand=True):
        Md(glossary, classes=["glossary"])
    rules = "\n".join(
        f"| {r.label} | {r.param.help} | {r.param.allowed} | {r.param.source} |"
        for r in MAIN_RULES + MORE_RULES
    )
    with solara.Details("The rules on this page, and where their defaults come from"):
        Md(
            "| rule | what it does | allowed | source |\n|---|---|---|---|\n" + rules,
            classes=["type-table"],
        )
    seeds = "\n".join(f"- **{ref}** {text}" for ref, text in texts.SEEDS.items())
    links = "\n".join(f"- [{title}]({url})" for title, url in texts.LINKS)
    with solara.Details("Sources and further reading"):
        solara.Markdown(
            "The articles the model starts from (cited as [000]–[004]):\n\n"
            f"{seeds}\n\nPublic reports behind the numbers (they open only with internet "
            f"access):\n\n{links}"
        )
