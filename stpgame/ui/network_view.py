"""The relationship network of one footprint: who pooled this year, and how much they trust each other.

Built from the model's public ``network()`` (a networkx graph whose edges carry
``trust``), filtered to one footprint. Organisations sit on a circle grouped by
type, so the picture does not jump between years; colour is this year's
action, edge colour and width are trust, in the survey's three bands
("limited", "reasonable", "very strong": CIPFA 2017 [002]).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stpgame.core.params import ORG_TYPES
from stpgame.ui import texts

SYMBOLS = {"acute": "circle", "community": "roundRect", "ccg": "triangle", "council": "diamond"}
# Trust bands: below 0.35 'limited', below 0.65 'reasonable', else 'strong' (cut points halfway
# between the survey levels 0.2 / 0.5 / 0.8 used in network.py). Limited trust is a dashed
# dark line, not a colour of its own: orange already means "kept it in-house" on the nodes.
TRUST_BANDS = (  # (below, name, colour, dashed)
    (0.35, "limited", "#333333", True),
    (0.65, "reasonable", "#9e9e9e", False),
    (1.01, "strong", "#0072B2", False),
)
# The graph's box in its (square) chart: left + right = top + bottom keeps the circle round;
# the top leaves room for the title and the top node's label.
GRAPH_BOX = {"left": "25%", "right": "25%", "top": "30%", "bottom": "20%"}
CROWDED = 10  # more organisations than this: smaller symbols and labels


@dataclass(frozen=True)
class Node:
    """One organisation as drawn: position, size, symbol (its type) and colour (its action)."""

    org: int  # index in the model
    short: str  # e.g. "CCG 2"
    name: str  # e.g. "CCG 2 in STP 05"
    org_type: str
    x: float
    y: float
    size: float
    symbol: str
    colour: str
    state: str  # "pooled" | "withheld" | "not yet"
    you: bool = False  # the organisation the person in this tab plays


@dataclass(frozen=True)
class Edge:
    """One relationship as drawn: its two ends, and colour and width for trust."""

    a: int  # positions in FootprintView.nodes
    b: int
    trust: float
    colour: str
    width: float
    dashed: bool = False


@dataclass(frozen=True)
class FootprintView:
    """What the network view draws for one footprint, with its legend and a summary in words."""

    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    pooled: int
    mean_trust: float
    you_elsewhere: str = ""  # the played organisation, when it is in another footprint

    @property
    def legend(self) -> str:
        """How to read the picture, in words (the colours named as they are drawn)."""
        you = (
            "  Thick black outline: the organisation you play."
            if any(n.you for n in self.nodes)
            else ""
        )
        return (
            "Colour: green pooled this year, orange kept it in-house, grey not played yet.  "
            "Shape: ● acute trust  ■ community trust  ▲ CCG  ◆ council.  "
            "Lines: blue strong trust, grey reasonable, dashed black limited; thicker = more "
            "trust." + you
        )

    @property
    def summary(self) -> str:
        """The picture in one sentence: how many pooled, and the average trust."""
        text = (
            f"{self.pooled} of {len(self.nodes)} organisations pooled this year; "
            f"average trust between them {self.mean_trust:.2f} (0 none, 1 complete)."
        )
        if self.you_elsewhere:
            text += f" You play {self.you_elsewhere}: choose its footprint to see it."
        return text


def trust_band(trust: float) -> tuple[str, str, bool]:
    """The survey band (CIPFA 2017 [002]) that ``trust`` falls in: name, colour, dashed."""
    for cut, name, colour, dashed in TRUST_BANDS:
        if trust < cut:
            return name, colour, dashed
    return TRUST_BANDS[-1][1:]


def footprint_view(
    model, footprint: int, labels: list[str], pooled: np.ndarray, you: int | None = None
) -> FootprintView:
    """The view of ``footprint`` (index) in ``model``; ``pooled`` is this year's action per org;
    ``you``: the organisation the person plays (marked), if any."""
    s = model.structure
    if not 0 <= footprint < s.n_footprints:
        from stpgame.errors import ParameterError

        raise ParameterError("footprint", f"0 to {s.n_footprints - 1}", footprint)
    members = np.flatnonzero(s.footprint == footprint)
    members = members[np.lexsort((members, s.org_type[members]))]  # grouped by type
    budget = np.asarray(model.economy.budget)
    big = float(budget[members].max()) if len(members) else 1.0
    played = model.round > 0
    shrink = min(1.0, math.sqrt(CROWDED / max(len(members), 1)))  # many bodies: smaller marks
    nodes = []
    for k, org in enumerate(members):
        angle = math.pi / 2 - 2 * math.pi * k / max(len(members), 1)
        t = ORG_TYPES[s.org_type[org]]
        state = ("pooled" if pooled[org] else "withheld") if played else "not yet"
        colour = {
            "pooled": texts.POOLED_COLOUR,
            "withheld": texts.WITHHELD_COLOUR,
            "not yet": texts.NOT_YET_COLOUR,
        }[state]
        name = labels[org]
        nodes.append(
            Node(
                int(org),
                name.split(" in ")[0].replace("Community / mental-health trust", "Community"),
                name,
                t,
                math.cos(angle),
                math.sin(angle),
                (28 + 30 * math.sqrt(budget[org] / big)) * shrink,
                SYMBOLS[t],
                colour,
                state,
                you is not None and int(org) == you,
            )
        )
    position = {node.org: k for k, node in enumerate(nodes)}
    graph = model.network()
    edges = []
    for a, b, data in graph.subgraph(members.tolist()).edges(data=True):
        trust = float(data.get("trust", 0.0))
        _, colour, dashed = trust_band(trust)
        edges.append(Edge(position[a], position[b], trust, colour, 1 + 6 * trust, dashed))
    mean_trust = float(np.mean([e.trust for e in edges])) if edges else 0.0
    elsewhere = labels[you] if you is not None and you not in position else ""
    return FootprintView(
        f"Relationships in {s.footprint_names[footprint]} (year {model.round})",
        tuple(nodes),
        tuple(edges),
        sum(n.state == "pooled" for n in nodes),
        mean_trust,
        elsewhere,
    )


def label_side(node: Node) -> str:
    """Put a label outside the circle, on the side the node sits."""
    if node.x > 0.3:
        return "right"
    if node.x < -0.3:
        return "left"
    return "top" if node.y > 0 else "bottom"


def echarts_option(view: FootprintView) -> dict:
    """An ECharts graph with fixed positions (layout 'none')."""
    font = 15 if len(view.nodes) <= CROWDED else 12
    nodes = [
        {
            "name": n.name,
            "x": round(n.x * 300, 1),
            "y": round(-n.y * 300, 1),
            "symbol": n.symbol,
            "symbolSize": round(n.size, 1),
            "itemStyle": {
                "color": n.colour,
                "borderColor": "#000",
                "borderWidth": 6 if n.you else 2,
            },
            "label": {
                "show": True,
                "position": label_side(n),
                "formatter": f"You: {n.short}" if n.you else n.short,
                "fontSize": font,
                "fontWeight": "bold" if n.you else "normal",
            },
            "value": n.state,
        }
        for n in view.nodes
    ]
    links = [
        {
            "source": view.nodes[e.a].name,
            "target": view.nodes[e.b].name,
            "value": round(e.trust, 2),
            "lineStyle": {
                "color": e.colour,
                "width": round(e.width, 1),
                "opacity": 0.75,
                "type": "dashed" if e.dashed else "solid",
            },
        }
        for e in view.edges
    ]
    return {
        "animation": False,
        "title": {"text": view.title, "left": "center", "top": 8, "textStyle": {"fontSize": 20}},
        "tooltip": {"textStyle": {"fontSize": 16}},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": False,
                # a square box in the square chart (left + right = top + bottom), with room
                # for the title and the labels around the circle
                **GRAPH_BOX,
                "data": nodes,
                "links": links,
                "emphasis": {"focus": "adjacency", "lineStyle": {"width": 8}},
            }
        ],
    }
