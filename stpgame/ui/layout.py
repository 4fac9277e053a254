"""The app's layout: Solara's AppLayout, no route tabs, sidebar closed on phones.

The explorer at ``/`` puts its own tabs in the app bar, which AppLayout shows only
with ``navigation=True`` (and then it adds no route tabs); the workshop pages have
no app bar at all, so they use ``navigation=False`` (no route tabs either).

On a screen narrower than 960 px Solara's sidebar opens over the page; on a phone
(a user agent saying "Mobi", as phone browsers do) it starts closed, so the page
and its Play / Step bar are the first thing seen, and the menu button opens it.
"""

from __future__ import annotations

import solara
import solara.lab


def is_phone(headers: dict | None) -> bool:
    """Whether the browser says it is a phone (then the sidebar starts closed)."""
    headers = headers or {}
    agent = headers.get("user-agent") or headers.get("User-Agent") or [""]
    text = agent[0] if isinstance(agent, list) else str(agent)
    return "Mobi" in text


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """The app's layout: the explorer's navigation, none on the workshop pages."""
    phone = is_phone(solara.lab.headers.value)
    router = solara.use_router()
    explorer = router.parts[0] not in ("workshop", "join") if router.parts else True
    solara.AppLayout(children=children, navigation=explorer, sidebar_open=not phone)
