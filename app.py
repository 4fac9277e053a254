"""stpgame's workshop app: `bash scripts/app.sh` (or `solara run app.py`).

Only assembles components; everything lives in ``stpgame.ui`` (see docs/app.md).
``/`` is the explorer, ``/workshop`` the facilitator's room, ``/join`` (or
``/join/<CODE>``) a participant's page. Open rooms are restored from the data
folder when the server starts.
"""

import solara

from stpgame.ui.page import Page as Explorer
from stpgame.ui.workshop_pages import Facilitator, Join
from stpgame.workshop import rooms

rooms()  # restore open rooms now, not on the first visit


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """Solara's app layout without its route tabs (the workshop pages show no app bar)."""
    solara.AppLayout(children=children, navigation=False)


routes = [
    solara.Route("/", component=Explorer, label="Explorer", layout=Layout),
    solara.Route("workshop", component=Facilitator, label="Workshop"),
    solara.Route("join", component=Join, label="Join"),
]
