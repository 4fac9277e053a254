"""The output registry: every column a run or a sweep writes is described once, and the
Parquet files carry those descriptions (Arrow field metadata) and name scenario and version."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from stpgame import __version__
from stpgame.cli import main
from stpgame.core import outputs
from stpgame.core.outputs import (
    ORG_REGISTRY,
    PLACE_REGISTRY,
    REGISTRY,
    column,
    describe,
    percent_unit,
)
from stpgame.core.params import BY_NAME

ROOT = Path(__file__).resolve().parents[1]


def test_outputs_doc_is_up_to_date():
    doc = ROOT / "docs" / "outputs.md"
    assert doc.read_text() == outputs.markdown_table(), (
        "run: python -m stpgame.core.outputs > docs/outputs.md"
    )


def test_every_output_is_in_the_doc_with_its_unit():
    text = outputs.markdown_table()
    for o in [*REGISTRY.values(), *ORG_REGISTRY.values()]:
        assert f"| `{o.name}` | {o.label} | {o.unit} |" in text


@pytest.mark.parametrize(
    ("unit", "shown"),
    [
        ("share of organisations", "% of organisations"),
        ("judged balance, share of budget", "judged balance, % of budget"),
        ("per year", "% per year"),
        ("probability per year", "% chance per year"),
        ("£m per year", None),
        ("0 = none, 1 = full", None),
        ("rounds (years)", None),
    ],
)
def test_percent_unit(unit, shown):
    assert percent_unit(unit) == shown


def test_columns_of_experiment_tables_are_described():
    final = describe("balance_acute_final")
    assert final.label == "Own balance: acute, final year"
    assert final.unit == "£m per year" and "final year" in final.description
    assert describe("cooperation_rate_mean").axis_label() == (
        "Cooperation, mean over years (% of organisations)"
    )
    assert describe("cooperation_rate").scale == 100.0
    assert describe("collective_welfare").scale == 1.0
    for bad in ("nonsense", "rating_acute", "balance_nowhere", "balance_acute_median"):
        with pytest.raises(KeyError):
            column(bad)


def test_parameters_read_as_percentages_where_their_unit_is_a_fraction():
    growth = column("funding_growth")
    assert growth.axis_label() == "Funding growth (% per year)" and growth.scale == 100.0
    assert growth.description == BY_NAME["funding_growth"].help
    assert column("bcf_minimum_share").axis_label() == ("BCF minimum share (% of CCG budget)")
    # a whole number is never a fraction; 'strategy_ccg' is a parameter, not a mean by type
    assert column("savings_lag").scale == 1.0
    assert column("strategy_ccg").level == "parameter"
    assert column("structure").axis_label() == "Structure"


def test_a_run_writes_self_describing_parquet(tmp_path):
    out = tmp_path / "run"
    assert (
        main(["run", "--scenario", "fortress", "--rounds", "2", "--seed", "4", "--out", str(out)])
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    for name, registry in (("model", REGISTRY), ("agents", ORG_REGISTRY)):
        schema = pq.read_schema(out / f"{name}.parquet")
        # the fortress preset plays the real places: their names and codes come after
        assert schema.names == list(registry) + (list(PLACE_REGISTRY) if name == "agents" else [])
        meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
        assert meta["stpgame_version"] == __version__ and meta["scenario"] == "fortress"
        assert json.loads(meta["parameters"]) == manifest["parameters"]
        assert json.loads(meta["seed"]) == 4
        assert "pandas" in meta  # pandas still reads its own dtypes back
        for field in schema:
            got = {k.decode(): v.decode() for k, v in field.metadata.items()}
            entry = describe(field.name)
            assert got == {
                "label": entry.label,
                "unit": entry.unit,
                "description": entry.description,
            }
    welfare = pq.read_schema(out / "model.parquet").field("collective_welfare").metadata
    assert welfare[b"unit"] == b"\xc2\xa3m per year"


def test_app_charts_name_outputs_as_the_registry_does():
    from stpgame.core.model import STPModel
    from stpgame.ui import charts
    from stpgame.ui.history import History

    model = STPModel(seed=1, structure="simple", n_footprints=1)
    history = History(model)
    for _ in range(2):
        model.step()
        history.record()
    shown = {c.key: c for c in [*charts.collective(history), *charts.compare(history, history)]}
    for key, output in (
        ("system_balance", "system_balance"),
        ("outcomes", "patient_outcome_index"),
        ("ab_welfare", "collective_welfare"),
        ("ab_price", "cumulative_price_of_fortress"),
    ):
        assert shown[key].title == REGISTRY[output].label
        assert shown[key].unit == REGISTRY[output].display_unit()
    assert shown["ab_pooling"].percent and shown["ab_pooling"].unit == "% of organisations"
    own = {c.key: c for c in charts.individual(history)}
    assert own["own_score"].unit == "judged balance, % of budget"
    acute = history.by_type("score", "acute")
    assert own["own_score"].lines[0].values == tuple(100.0 * v for v in acute)


def test_latest_collector_and_table_agree_year_by_year():
    """The year outputs are worked out from what each year keeps (core/recorder.py) when
    read: ``latest`` after each year, Mesa's collector read now and then, and the table
    read at the end must give the same numbers, bit for bit, whenever they are read."""
    import numpy as np

    from stpgame import STPModel

    model = STPModel.from_scenario("fortress", seed=5)
    assert model.latest == {}
    seen = []
    for year in range(1, 7):
        model.step()
        seen.append(dict(model.latest))
        assert model.latest["round"] == year
        if year == 3:  # the collector, filled part-way, goes on from where it was
            assert len(model.datacollector.tables["years"]["round"]) == 3
    table = model.model_dataframe()
    collected = model.datacollector.get_table_dataframe("years")
    assert len(collected) == len(table) == 6
    for k in table.columns:
        by_year = np.array([row[k] for row in seen], float)
        assert by_year.tobytes() == table[k].to_numpy(float).tobytes(), k
        assert collected[k].to_numpy(float).tobytes() == by_year.tobytes(), k
    # a year's outputs as the year itself would sum them (.sum() over its organisations)
    org = model.org_dataframe()
    last = org[org["round"] == 6]
    assert table["system_balance"].iloc[-1] == last["balance"].to_numpy().sum()
    assert table["cooperation_rate"].iloc[-1] == last["pooled"].to_numpy().mean()
