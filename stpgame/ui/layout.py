"""The app's layout: Solara's AppLayout without route tabs, sidebar closed on phones.

On a screen narrower than 960 px Solara's sidebar opens over the page; on a phone
(a user agent saying "Mobi", as phone browsers do) it starts closed, so the page
and its Play / Step bar are the first thing seen, and the menu button opens it.
"""

from __future__ import annotations

import solara
import solara.lab


def is_phone(headers: dict | None) -> bool:
    headers = headers or {}
    agent = headers.get("user-agent") or headers.get("User-Agent") or [""]
    text = agent[0] if isinstance(agent, list) else str(agent)
    return "Mobi" in text


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    phone = is_phone(solara.lab.headers.value)
    solara.AppLayout(children=children, navigation=False, sidebar_open=not phone)
