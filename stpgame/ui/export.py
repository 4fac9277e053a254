"""The downloads: this tab's run as CSV, its settings as JSON, its charts as PNG.

CSV comes straight from the model's own tables (``model_dataframe`` and
``org_dataframe``), with the run's scenario, seed and side in front, so a
file still says where it came from once it is saved; the JSON holds every
parameter needed to rerun it (``STPModel(seed=..., **params)``).
"""

from __future__ import annotations

import json

import pandas as pd

from stpgame.results_files import environment
from stpgame.ui import charts, figures, texts
from stpgame.ui.network_view import footprint_view
from stpgame.ui.session import SIDES, Session


def _label(session: Session, side: str) -> dict[str, object]:
    return {"scenario": session.scenario, "seed": session.seed, "rules": side}


def _csv(df: pd.DataFrame, front: dict[str, object]) -> bytes:
    out = df.copy()
    for k, (name, value) in enumerate(front.items()):
        out.insert(k, name, value)
    return out.to_csv(index=False).encode("utf-8")


def model_csv(session: Session, side: str = "A") -> bytes:
    """One row per year: the collective outcomes of rules ``side``."""
    with session.lock:
        df = session.runs[side].model.model_dataframe()
        return _csv(df, _label(session, side))


def org_csv(session: Session, side: str = "A") -> bytes:
    """One row per organisation per year: the individual outcomes of rules ``side``."""
    with session.lock:
        df = session.runs[side].model.org_dataframe()
        return _csv(df, _label(session, side))


def settings_json(session: Session) -> bytes:
    """Scenario, seed, years played and the full parameters of both sides."""
    with session.lock:
        doc = {
            "scenario": session.scenario,
            "seed": session.seed,
            "years": session.round,
            "rules": {side: session.params(side).as_dict() for side in SIDES},
            "changed_from_preset": {side: session.overrides(side) for side in SIDES},
            "player": None
            if session.player is None
            else {"organisation": session.player.index, "level": session.player.level},
            "environment": environment(),
        }
    return json.dumps(doc, indent=2, default=str).encode("utf-8")


def charts_png(session: Session) -> bytes:
    """The 'Together vs alone' charts of rules A."""
    with session.lock:
        history = session.a.history
        columns = [
            (texts.SYSTEM_HEADING, charts.collective(history)),
            (texts.INDIVIDUAL_HEADING, charts.individual(history)),
        ]
        title = f"{session.preset.title}: year {session.round} (seed {session.seed})"
    return figures.charts_png(columns, title)


def compare_png(session: Session) -> bytes:
    """The A/B comparison charts."""
    with session.lock:
        items = charts.compare(session.a.history, session.b.history)
        title = f"{session.preset.title}: rules A vs rules B, year {session.round}"
    return figures.charts_png([("", items[::2]), ("", items[1::2])], title)


def network_png(session: Session, footprint: int) -> bytes:
    """The relationship network of one footprint under rules A."""
    with session.lock:
        view = footprint_view(
            session.a.model, footprint, session.org_labels(), session.a.history.pooled
        )
    return figures.network_png(view)


def filename(session: Session, what: str, ext: str) -> str:
    """e.g. 'stpgame_fortress_seed1_year12_model_A.csv'."""
    return f"stpgame_{session.scenario}_seed{session.seed}_year{session.round}_{what}.{ext}"
