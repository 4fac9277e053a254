"""A simulated workshop participant: a Solara page driven over the server's websocket, no browser.

Not a benchmark itself (``bench_workshop.py`` uses it). It does what Solara's
front end does: take the session cookie from the page's address, open the
kernel websocket (``/jupyter/api/kernels/<id>/channels``), ask the
``solara.control`` comm to run the app at a path, then keep every widget's
state from the ``comm_open`` and ``update`` messages the server sends. Clicks,
typed text and the decision widget's Submit are the same comm messages a
browser sends. Every message received is time-stamped, so a benchmark can tell
when a page has received everything a change sent it.

It draws nothing: the time a real browser then takes to paint is not in its
figures (``bench_workshop.py --browsers`` measures that with Chromium).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import time
import urllib.request
import uuid

import websockets


class SimPage:
    """One simulated browser tab on a Solara server."""

    def __init__(self, base: str):
        self.base = base  # http://host:port
        self.state: dict[str, dict] = {}  # comm id -> widget state
        self.received: list[tuple[float, str]] = []  # (perf_counter, raw message)
        self.changed = asyncio.Event()
        self.session = str(uuid.uuid4())
        self._ws = None
        self._reader: asyncio.Task | None = None

    async def open(self, path: str) -> None:
        """Load the page at ``path`` (as a browser tab opening the address)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        response = await asyncio.to_thread(opener.open, self.base + path, None, 30)
        cookie = response.headers.get("set-cookie", "").split(";")[0]
        kernel = str(uuid.uuid4())
        host = self.base.split("://", 1)[1]
        self._ws = await websockets.connect(
            f"ws://{host}/jupyter/api/kernels/{kernel}/channels?session_id={self.session}",
            additional_headers={"Cookie": cookie},
            max_size=None,
        )
        self._reader = asyncio.create_task(self._read())
        control = str(uuid.uuid4())
        await self._send("comm_open", {"comm_id": control, "target_name": "solara.control"})
        args = {"path": path, "appName": "__default__", "dark": False, "themes": None}
        await self._send("comm_msg", {"comm_id": control, "data": {"method": "run", "args": args}})

    async def close(self) -> None:
        """Close the tab (the websocket)."""
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()

    # -- finding widgets ---------------------------------------------------------------
    def find(self, css_class: str) -> str | None:
        """The comm id of a live widget carrying ``css_class`` (ipyvue ``class_``, an HTML
        widget's ``class`` attribute, or the class of a template's first element)."""
        for comm, state in self.state.items():
            classes = str(state.get("class_") or "")
            classes += " " + str((state.get("attributes") or {}).get("class", ""))
            template = str(state.get("template") or "")
            if css_class in classes.split() or f'class="{css_class}"' in template:
                return comm
        return None

    def text(self) -> str:
        """Every HTML and text the page holds, joined (for finding what it shows)."""
        parts = []
        for state in self.state.values():
            parts.append(str(state.get("unsafe_innerHTML") or ""))
            children = state.get("children")
            if isinstance(children, list):
                parts.extend(c for c in children if isinstance(c, str) and not c.startswith("IPY"))
        return "\n".join(parts)

    async def wait_for(self, found, timeout: float = 60.0):
        """Wait until ``found(self)`` returns something true, and return it."""
        deadline = time.monotonic() + timeout
        while True:
            value = found(self)
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"page {self.base}: condition not met in {timeout} s")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def widget(self, css_class: str, timeout: float = 60.0) -> str:
        """The comm id of the widget with ``css_class``, once the page has it."""
        return await self.wait_for(lambda page: page.find(css_class), timeout)

    # -- acting ---------------------------------------------------------------------------
    async def click(self, css_class: str) -> None:
        """Click the button carrying ``css_class``."""
        comm = await self.widget(css_class)
        await self.event(comm, "click", {})

    async def event(self, comm: str, name: str, data) -> None:
        """Send a front-end event (a click, or a template's method call) to a widget."""
        content = {"method": "custom", "content": {"event": name, "data": data}}
        await self._send("comm_msg", {"comm_id": comm, "data": content})

    async def set(self, comm: str, **values) -> None:
        """Change a widget's values from the browser side (e.g. a text box's ``v_model``)."""
        self.state[comm].update(values)
        data = {"method": "update", "state": values, "buffer_paths": []}
        await self._send("comm_msg", {"comm_id": comm, "data": data})

    async def fill(self, css_class: str, text: str) -> None:
        """Type ``text`` into the text box inside the widget carrying ``css_class``."""
        outer = await self.widget(css_class)
        field = self._inner_text_field(outer)
        await self.set(field, v_model=text)

    def _inner_text_field(self, comm: str) -> str:
        """solara.InputText puts its class on a v.TextField; find that widget."""
        state = self.state[comm]
        if "v_model" in state:
            return comm
        for child in state.get("children") or []:
            if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                inner = child[len("IPY_MODEL_") :]
                if inner in self.state and "v_model" in self.state[inner]:
                    return inner
        raise LookupError(f"no text box in widget {comm}")

    # -- the wire -------------------------------------------------------------------------
    async def _send(self, msg_type: str, content: dict) -> None:
        header = {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": self.session,
            "username": "",
            "date": datetime.datetime.now(datetime.UTC).isoformat(),
            "version": "5.3",
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
        await self._ws.send(json.dumps(message))

    async def _read(self) -> None:
        async for raw in self._ws:
            now = time.perf_counter()
            if isinstance(raw, bytes):  # binary frames carry buffers; widgets here send none
                self.received.append((now, ""))
                continue
            self.received.append((now, raw))
            message = json.loads(raw)
            kind = message["header"]["msg_type"]
            content = message.get("content", {})
            if kind == "comm_open":
                self.state[content["comm_id"]] = dict(content.get("data", {}).get("state", {}))
            elif kind == "comm_msg":
                data = content.get("data", {})
                if data.get("method") == "update":
                    self.state.setdefault(content["comm_id"], {}).update(data.get("state", {}))
            elif kind == "comm_close":
                self.state.pop(content.get("comm_id"), None)
            self.changed.set()
