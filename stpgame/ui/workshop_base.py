"""What the facilitator's and the participants' workshop pages share: style, routing, messages.

- ``WorkshopStyle``: the app's stylesheet plus the workshop pages' own;
- ``routed_room``: the room named in the path and the secret in the query
  (facilitator key or seat token);
- ``use_attempt``: run an action, show a refused input as a message;
- ``html_block``: one block of HTML built by ``workshop_html`` (one widget,
  however much it shows: see that module for why).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
from html import escape
from urllib.parse import parse_qs

import segno
import solara

from stpgame.errors import ParameterError
from stpgame.ui.style import Style
from stpgame.workshop import Room, RoomError, rooms

ERRORS = (RoomError, ParameterError, NotImplementedError)

CSS = """
.ws-page { max-width: 1280px; margin: 0 auto; padding: 4px 8px 24px 8px; }
.ws-head { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; }
.ws-code { font-size: 40px; font-weight: 800; letter-spacing: 4px; color: #1f3b73; }
.ws-year { font-size: 32px; font-weight: 800; }
.ws-sub { font-size: 18px; color: #333; }
.ws-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
.ws-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; }
.ws-tile { border: 2px solid #dde3ee; border-radius: 6px; padding: 8px 10px; }
.ws-tile .big-value { font-size: 28px; }
.ws-table { overflow-x: auto; }
.ws-table table { border-collapse: collapse; width: 100%; font-size: 17px; }
.ws-table td, .ws-table th { padding: 4px 6px; border-bottom: 1px solid #e0e0e0; text-align: left; }
.ws-table td.num { text-align: right; white-space: nowrap; }
.ws-ok { color: #1b7f3b; font-weight: 700; }
.ws-wait { color: #b35900; font-weight: 700; }
.ws-msg { color: #b00020; font-size: 17px; }
.ws-note { font-size: 16px; color: #444; }
.ws-decision .v-btn { font-size: 17px; min-height: 44px; }
.ws-level { font-size: 44px; font-weight: 800; }
.countdown { font-size: 26px; font-weight: 700; color: #1f3b73; }
.countdown-over { color: #b00020; }
.presenter { width: 100%; margin: 0 auto; }
.presenter .ws-code { font-size: 52px; line-height: 1.1; }
.presenter .ws-year { font-size: 44px; line-height: 1.1; }
.presenter .big-value { font-size: 40px; }
.presenter .big-label { font-size: 20px; }
.presenter .ws-tile .big-value { font-size: 34px; }
.presenter .ws-game { font-size: 21px; line-height: 1.3; }
.presenter .big-number { margin: 0; }
.presenter-columns { display: grid; grid-template-columns: 2fr 3fr; gap: 16px; }
@media (max-width: 700px) { .presenter-columns { grid-template-columns: 1fr; } }
.rule-notice { background: #fff4d6; border-left: 6px solid #b35900; padding: 8px 12px;
  margin: 6px 8px; font-size: 18px; }
.book-total td { border-top: 2px solid #333; }
.join-block { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; }
.join-address { font-size: 24px; font-weight: 700; word-break: break-all; }
.join-qr svg { display: block; }
.presenter .join-address { font-size: 30px; }
.ws-page.ws-wide { max-width: none; }
.presenter .big-note { font-size: 18px; }
.presenter .big-label { font-size: 22px; }
.ws-tile.tile-autopilot { border-style: dashed; background: #f6f6f6; }
.ws-page .big-value { white-space: normal; }  /* "4 special measures" wraps, not clipped */
.ws-page .big-note { font-size: 16px; }
.level-picker .ws-level { display: block; line-height: 1.15; margin: 8px 0 2px 0; }
@media (max-width: 500px) {
  .partners-table th:nth-child(2), .partners-table td:nth-child(2) { display: none; }
  .ws-table table { font-size: 15px; }
  .ws-table td, .ws-table th { padding: 3px 4px; }
}
.ws-card-title { font-size: 26px; font-weight: 800; margin: 4px 0 6px 0; }
"""


@solara.component
def WorkshopStyle():
    """The app's stylesheet plus the workshop pages' own."""
    Style()
    solara.Style(CSS)


def html_block(html: str, css: str = ""):
    """A block of HTML built (and escaped) by ``workshop_html``: one widget element, no
    component around it (each element costs time on every redraw)."""
    return solara.widgets.HTML.element(
        tag="div", unsafe_innerHTML=html, attributes={"class": css} if css else {}
    )


def query(router) -> dict[str, str]:
    """The page address's query values (first value of each)."""
    return {k: v[0] for k, v in parse_qs(router.search or "").items() if v}


JOIN_URL_ENV = "STPGAME_JOIN_URL"  # e.g. http://192.168.1.20:8765 behind a proxy or NAT


def _loopback(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def lan_address() -> str:
    """The address of this machine on its local network (the interface of its default route;
    connecting a UDP socket sends nothing), or its host name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return socket.gethostname()


def join_address(code: str, headers: dict | None = None) -> tuple[str, str]:
    """The full address participants type or scan to join room ``code``, and a note ("" or
    why phones may not reach it).

    ``$STPGAME_JOIN_URL`` wins (a proxy or a NAT). Otherwise the host and port the
    facilitator's browser used; when that is this machine's loopback name and the server
    listens on every interface (``HOST=0.0.0.0``, which ``solara run`` passes on as
    ``SERVER_NAME``), the machine's network address replaces it, since a phone's
    "localhost" is the phone.
    """
    base = os.environ.get(JOIN_URL_ENV, "").rstrip("/")
    if base:
        return f"{base}/join/{code}", ""
    headers = headers if headers is not None else (solara.lab.headers.value or {})
    value = headers.get("host") or headers.get("Host") or [""]
    here = value[0] if isinstance(value, list) else str(value)
    proto = headers.get("x-forwarded-proto") or ["http"]
    scheme = proto[0] if isinstance(proto, list) else str(proto)
    bind = os.environ.get("SERVER_NAME", "")
    port = os.environ.get("SERVER_PORT", "")
    name, _, given = here.rpartition(":") if here.count(":") == 1 else (here, "", "")
    port = given or port
    name = name or bind or "localhost"
    note = ""
    if _loopback(name):
        if bind in ("0.0.0.0", "::"):
            name = lan_address()
        else:
            note = (
                "This server listens on this computer only: start it with HOST=0.0.0.0 "
                "(bash scripts/app.sh) so that phones and laptops in the room can join."
            )
    address = f"{scheme}://{name}" + (f":{port}" if port else "")
    return f"{address}/join/{code}", note


@functools.lru_cache(maxsize=64)
def qr_svg(text: str, scale: int = 4) -> str:
    """``text`` as a QR code, inline SVG (segno: pure Python, nothing fetched; made once per
    address, not at every redraw of the facilitator's page)."""
    return str(segno.make(text, error="m").svg_inline(scale=scale, border=2, omitsize=False))


def join_block(code: str, scale: int = 4) -> str:
    """The join address in full, with its QR code, as HTML."""
    link, note = join_address(code)
    return (
        "<div class='join-block'>"
        f"<div class='join-qr' title='{escape(link)}'>{qr_svg(link, scale)}</div>"
        f"<div><div class='ws-sub'>Join at</div><div class='join-address'>"
        f"<a class='join-link' href='{escape(link)}'>{escape(link)}</a></div>"
        f"<div class='ws-note'>or open /join and type <b>{escape(code)}</b></div>"
        + (f"<div class='ws-msg join-note'>{escape(note)}</div>" if note else "")
        + "</div></div>"
    )


def routed_room(secret: str) -> tuple[str, Room | None, str]:
    """The room code in the path (``/workshop/<CODE>``, ``/join/<CODE>``), its room on this
    server if any, and the ``secret`` query value (facilitator key or seat token)."""
    router = solara.use_router()
    code = router.parts[1] if len(router.parts) > 1 else ""
    return code, rooms().get(code) if code else None, query(router).get(secret, "")


def use_attempt():
    """(message, attempt): ``attempt(action)`` runs it and shows a refused input as the message."""
    message, set_message = solara.use_state("")

    def attempt(action) -> None:
        try:
            action()
        except ERRORS as exc:
            set_message(str(exc))
            return
        set_message("")

    return message, attempt
