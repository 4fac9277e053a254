"""The downloads: this tab's run as CSV, its settings as JSON, its charts as PNG.

CSV comes straight from the model's own tables (``model_dataframe`` and
``org_dataframe``), with the run's scenario, seed and side in front, so a
file still says where it came from once it is saved; an organisation someone
played is labelled ``human`` in the years they decided for it. The settings
JSON holds every parameter of both sides and every choice made playing an
organisation, year by year, so ``rerun(file)`` plays the same game again and
gets the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stpgame.core.model import STRUCTURE_PARAMS, STPModel
from stpgame.core.params import Params
from stpgame.errors import ParameterError, ResultsError
from stpgame.results_files import environment
from stpgame.ui import charts, figures, texts
from stpgame.ui.network_view import footprint_view
from stpgame.ui.session import SIDES, Session

SETTINGS_FORMAT = "stpgame-explorer-settings"
SETTINGS_VERSION = 2  # 2: rules changed mid-game (rule_changes)


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
    """One row per organisation per year: the individual outcomes of rules ``side``.

    ``strategy`` is ``human`` where a person decided for the organisation that year
    (the model's own table names the rule that would have played it).
    """
    with session.lock:
        df = session.runs[side].model.org_dataframe()
        played = {(year + 1, k) for year, choice in enumerate(session.choices) for k in choice}
        human = [(r, k) in played for r, k in zip(df["round"], df["org_id"], strict=True)]
        df["strategy"] = np.where(human, "human", df["strategy"].astype(str))
        return _csv(df, _label(session, side))


def settings_json(session: Session) -> bytes:
    """Scenario, seed, years played, the full parameters of both sides and every human choice."""
    with session.lock:
        doc = {
            "format": SETTINGS_FORMAT,
            "format_version": SETTINGS_VERSION,
            "scenario": session.scenario,
            "seed": session.seed,
            "years": session.round,
            "rules": {side: session.start[side].as_dict() for side in SIDES},
            "changed_from_preset": {side: session.overrides(side) for side in SIDES},
            "rule_changes": [dict(c) for c in session.changes],
            "choices": [
                {"year": year + 1, "organisation": k, "level": level}
                for year, choice in enumerate(session.choices)
                for k, level in sorted(choice.items())
            ],
            "player": None
            if session.player is None
            else {"organisation": session.player.index, "level": session.player.level},
            "environment": environment(),
        }
    return json.dumps(doc, indent=2, default=str).encode("utf-8")


def rerun(source: str | PathLike[str] | Mapping[str, object]) -> dict[str, STPModel]:
    """Play the game of a settings file again: the models of rules A and B at its last year.

    ``source`` is the downloaded file (a path) or its parsed JSON. Same scenario, seed,
    parameters and, year by year, the same choices a person made playing an
    organisation, so ``model_dataframe()`` and ``org_dataframe()`` equal the tab's.
    """
    where: object = source if not isinstance(source, Mapping) else "settings"
    doc: dict[str, Any]
    if isinstance(source, Mapping):
        doc = dict(source)
    else:
        try:
            doc = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ResultsError(source, f"not a readable settings file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != SETTINGS_FORMAT:
        raise ResultsError(where, "not an stpgame settings file", "download it from the app")
    if int(doc.get("format_version", 0)) > SETTINGS_VERSION:
        raise ResultsError(where, "made by a newer stpgame", "update stpgame to rerun it")
    missing = [key for key in ("seed", "years", "rules") if key not in doc]
    missing += [f"rules.{side}" for side in SIDES if side not in (doc.get("rules") or {})]
    if missing:
        raise ResultsError(where, "settings file without " + ", ".join(missing))
    years = doc.get("years")
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise ParameterError("years", "a whole number >= 0", years)
    by_year: dict[int, dict[int, float]] = {}
    for choice in doc.get("choices") or []:
        year = choice.get("year") if isinstance(choice, Mapping) else None
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= years:
            raise ParameterError("choices", f"entries with a year from 1 to {years}", choice)
        by_year.setdefault(year, {})[choice["organisation"]] = choice["level"]
    changes: dict[tuple[str, int], list[dict]] = {}
    for change in doc.get("rule_changes") or []:  # rules changed mid-game, from their year
        year = change.get("year") if isinstance(change, Mapping) else None
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= years + 1:
            raise ParameterError(
                "rule_changes", f"entries with a year from 1 to {years + 1}", change
            )
        changes.setdefault((change["side"], year), []).append(change["params"])
    models = {}
    built = {side: Params.build(doc["rules"][side]) for side in SIDES}
    # a player plays in B too only where B plays the same footprints (places may differ)
    same = all(getattr(built["A"], k) == getattr(built["B"], k) for k in STRUCTURE_PARAMS)
    for side in SIDES:
        params = built[side]
        model = STPModel(seed=doc["seed"], scenario=doc.get("scenario"), params=params)
        for year in range(1, years + 2):
            for params_changed in changes.get((side, year), []):
                model.change_rules(**params_changed)
            if year > years:
                break
            for k, level in by_year.get(year, {}).items() if side == "A" or same else ():
                model.choose(k, level)  # checks the organisation and the level
            model.step()
        models[side] = model
    return models


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
        you = session.player.index if session.player is not None else None
        view = footprint_view(
            session.a.model, footprint, session.org_labels(), session.a.history.pooled, you
        )
    return figures.network_png(view)


def filename(session: Session, what: str, ext: str) -> str:
    """e.g. 'stpgame_fortress_seed1_year12_model_A.csv'."""
    return f"stpgame_{session.scenario}_seed{session.seed}_year{session.round}_{what}.{ext}"
