"""stpgame's workshop app: `bash scripts/app.sh` (or `solara run app.py`).

Only assembles components; everything lives in ``stpgame.ui`` (see docs/app.md).
``/`` is the explorer, ``/workshop`` the facilitator's room, ``/join`` (or
``/join/<CODE>``) a participant's page. Open rooms are restored from the data
folder when the server starts.
"""

import solara

from stpgame.ui.layout import Layout
from stpgame.ui.page import Page as Explorer
from stpgame.ui.release import set_cull_timeout
from stpgame.ui.workshop_pages import Facilitator, Join
from stpgame.workshop import rooms

rooms()  # restore open rooms now, not on the first visit
set_cull_timeout()  # a tab gone without a goodbye is freed after 15 minutes, not 24 hours


routes = [
    solara.Route("/", component=Explorer, label="Explorer", layout=Layout),
    solara.Route("workshop", component=Facilitator, label="Workshop"),
    solara.Route("join", component=Join, label="Join"),
]
