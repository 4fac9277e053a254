"""Small browser-side pieces of the workshop pages, and how a room redraws other tabs.

- ``use_room_version(room)``: the page re-renders within a moment of any change
  to the room, whoever made it. Each page registers a listener with the room
  holding its own kernel context (one per browser tab); the listener hands the
  new version to a small pool of threads, each of which enters that tab's
  context and sets its state, so one click never waits for thirty redraws.
- ``Countdown``: the timer counts down in the browser (no message a second);
  it is sent the seconds left, not a clock time, so a phone whose clock is
  wrong still shows the right time.
- ``SpaceKey``: Space (outside text boxes) presses "Next year" on the presenter view.
- ``LevelPicker``: the participant's slider, "Keep it all" / "Pool it all" and
  "Submit my decision" as one widget. Moving the slider or pressing the two
  buttons stays in the browser (30 people dragging sliders send the server
  nothing); only Submit does, and "Next year" does not redraw it.
- ``SeatMemory``: keeps a participant's seat token in the browser's localStorage,
  so reopening ``/join/<CODE>`` in the same browser (without the ``?seat=``
  link) gets the seat back.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import ipyvuetify
import solara
import traitlets
from solara.server import kernel_context

_notify = ThreadPoolExecutor(max_workers=4, thread_name_prefix="room-notify")
atexit.register(_notify.shutdown, wait=False, cancel_futures=True)


def _deliver(context, set_version, version: int) -> None:
    if context.closed_event.is_set():
        return
    with context:
        set_version(version)


def use_room_version(room, view_key: Callable | None = None) -> int:
    """The room's version, kept current in this tab (a hook; ``room`` may be None).

    ``view_key(room)`` (optional) says what this page shows: the page redraws only
    when it changes (a participant's page ignores other bodies' decisions). Changes
    that arrive while a redraw is waiting are folded into it.
    """
    version, set_version = solara.use_state(room.version if room is not None else 0)

    def subscribe():
        if room is None:
            return None
        try:
            context = kernel_context.get_current_context()
        except RuntimeError:  # rendered outside a server (component tests): no other tabs
            return None
        lock = threading.Lock()
        state = {"scheduled": False, "key": view_key(room) if view_key else None}

        def redraw() -> None:
            with lock:
                state["scheduled"] = False
            _deliver(context, set_version, room.version)

        def listener(r) -> None:
            if view_key is not None:
                key = view_key(r)
                if key == state["key"]:
                    return
                state["key"] = key
            with lock:
                if state["scheduled"]:
                    return
                state["scheduled"] = True
            _notify.submit(redraw)

        unsubscribe = room.subscribe(listener)
        context.on_close(unsubscribe)
        set_version(room.version)  # anything that changed between render and now
        return unsubscribe

    solara.use_effect(subscribe, [room])
    return version


COUNTDOWN = """
<template>
  <span :class="'countdown ' + (left <= 0 ? 'countdown-over' : '')">{{ text }}</span>
</template>
<script>
module.exports = {
  data() { return { left: 0, timer: null }; },
  computed: {
    text() {
      if (this.seconds < 0) return "";
      if (this.left <= 0) return "Time is up";
      const s = Math.ceil(this.left);
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left`;
    },
  },
  mounted() { this.start(); },
  beforeDestroy() { clearInterval(this.timer); },
  watch: { stamp() { this.start(); } },
  methods: {
    start() {
      clearInterval(this.timer);
      const end = Date.now() + this.seconds * 1000;
      this.left = this.seconds;
      if (this.seconds < 0) return;
      this.timer = setInterval(() => {
        this.left = Math.max(0, (end - Date.now()) / 1000);
        if (this.left <= 0) clearInterval(this.timer);
      }, 250);
    },
  },
};
</script>
"""


class CountdownWidget(ipyvuetify.VuetifyTemplate):
    """The browser side of ``Countdown``."""

    template = traitlets.Unicode(COUNTDOWN).tag(sync=True)
    seconds = traitlets.Float(-1.0).tag(sync=True)
    stamp = traitlets.Unicode("").tag(sync=True)


@solara.component
def Countdown(deadline: float | None):
    """Time left until ``deadline`` (a server clock time), counted down in the browser.

    Only a new deadline redraws it (every timer set gets a new one), so a year
    advancing costs the countdown nothing.
    """
    seconds = -1.0 if deadline is None else max(0.0, deadline - time.time())
    return CountdownWidget.element(seconds=seconds, stamp=str(deadline))


SPACE = """
<template><span class="space-key" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    this.handler = (e) => {
      const tag = (e.target && e.target.tagName) || "";
      if (e.code !== "Space" || ["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
      e.preventDefault();
      this.presses = this.presses + 1;
    };
    document.addEventListener("keydown", this.handler);
  },
  beforeDestroy() { document.removeEventListener("keydown", this.handler); },
};
</script>
"""


class SpaceKeyWidget(ipyvuetify.VuetifyTemplate):
    """The browser side of ``SpaceKey``: counts presses of the Space bar outside text inputs."""

    template = traitlets.Unicode(SPACE).tag(sync=True)
    presses = traitlets.Int(0).tag(sync=True)
    on_press = traitlets.Callable(None, allow_none=True)

    @traitlets.observe("presses")
    def _pressed(self, change) -> None:
        if self.on_press is not None and change["new"] > change["old"]:
            self.on_press()


@solara.component
def SpaceKey(on_press):
    """Calls ``on_press()`` at each press of Space (the presenter's Next year)."""
    return SpaceKeyWidget.element(on_press=on_press)


SEAT = """
<template><span class="seat-memory" :data-checked="checked" style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.sync(); },
  watch: { token() { this.sync(); }, forget() { this.sync(); } },
  methods: {
    sync() {
      const key = "stpgame-seat-" + this.code;
      try {
        if (this.token) {
          localStorage.setItem(key, this.token);
        } else if (this.forget) {
          localStorage.removeItem(key);
        } else if (this.lookup) {
          this.found = localStorage.getItem(key) || "";
        }
      } catch (e) {
        // storage switched off (private mode, policy): the ?seat= link still holds the seat
      }
      this.checked = true;
    },
  },
};
</script>
"""


class SeatMemoryWidget(ipyvuetify.VuetifyTemplate):
    """The browser side of ``SeatMemory``."""

    template = traitlets.Unicode(SEAT).tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    token = traitlets.Unicode("").tag(sync=True)  # to keep ("" on the name form)
    lookup = traitlets.Bool(True).tag(sync=True)  # read a kept token (name form only)
    forget = traitlets.Bool(False).tag(sync=True)  # drop the kept token (it is stale)
    found = traitlets.Unicode("").tag(sync=True)
    checked = traitlets.Bool(False).tag(sync=True)
    on_found = traitlets.Callable(None, allow_none=True)

    @traitlets.observe("found")
    def _found(self, change) -> None:
        if self.on_found is not None and change["new"]:
            self.on_found(change["new"])


@solara.component
def SeatMemory(
    code: str, token: str = "", lookup: bool = True, forget: bool = False, on_found=None
):
    """Keep ``token`` as the seat for room ``code`` in this browser, or (no token, ``lookup``)
    call ``on_found(token)`` with the seat kept earlier; ``forget`` drops a kept seat."""
    return SeatMemoryWidget.element(
        code=code, token=token, lookup=lookup, forget=forget, on_found=on_found
    )


PICKER = """
<template>
  <div class="level-picker">
    <span class="ws-level my-level">{{ Math.round(level * 100) }}%</span>
    <v-slider v-model="level" :min="0" :max="1" :step="0.05" hide-details
              class="level-slider"></v-slider>
    <div class="d-flex flex-wrap" style="gap: 8px">
      <v-btn class="keep-all" @click="level = 0">Keep it all</v-btn>
      <v-btn class="pool-all" @click="level = 1">Pool it all</v-btn>
    </div>
    <v-btn class="submit-decision mt-2" color="primary" block :disabled="closed"
           @click="submit({level: level})">
      <v-icon left>mdi-check</v-icon>Submit my decision
    </v-btn>
  </div>
</template>
<script>
module.exports = {
  // The slider starts where the body's people last sent it (``start``), also after a
  // reload, and follows a teammate's submission (a new ``start``).
  data() { return { level: 0.5 }; },
  mounted() { if (typeof this.start === "number") this.level = this.start; },
  watch: { start(value) { this.level = value; } },
};
</script>
"""


class LevelPickerWidget(ipyvuetify.VuetifyTemplate):
    """The browser side of ``LevelPicker``: the level lives in the browser until submitted."""

    template = traitlets.Unicode(PICKER).tag(sync=True)
    start = traitlets.Float(0.5).tag(sync=True)  # where the slider starts when the page opens
    closed = traitlets.Bool(False).tag(sync=True)
    on_submit = traitlets.Callable(None, allow_none=True)

    def vue_submit(self, data) -> None:
        """Submit pressed: ``data`` is ``{"level": x}`` from the browser."""
        if self.on_submit is not None:
            self.on_submit(data.get("level") if isinstance(data, dict) else None)


def LevelPicker(start: float, closed: bool, on_submit):
    """The pooling level picker (an element, no component: see the module docstring);
    ``on_submit(level)`` gets the browser's level, unchecked (the room checks it)."""
    return LevelPickerWidget.element(start=start, closed=closed, on_submit=on_submit)


RECONNECT = """
<template><span class="reconnect" :data-lost="lost" style="display: none"></span></template>
<script>
module.exports = {
  data() { return { lost: false }; },
  mounted() {
    this.last = Date.now();
    this.pinged = 0;
    this.polling = false;
    this.down = 0;  // since when Solara's socket is not connected
    this.timer = setInterval(() => this.check(), TICK);
    this.visible = () => {
      if (document.visibilityState === "visible") { this.last = Date.now(); this.send(); }
    };
    document.addEventListener("visibilitychange", this.visible);
  },
  beforeDestroy() {
    clearInterval(this.timer);
    document.removeEventListener("visibilitychange", this.visible);
  },
  watch: { pong() { this.last = Date.now(); } },
  methods: {
    send() {
      this.pinged = Date.now();
      // a closed connection throws ("Cannot send"): then it is gone, no need to wait
      try { this.ping({}); } catch (e) { this.lost = true; }
    },
    check() {
      if (document.visibilityState === "hidden") return;  // timers are throttled there
      const now = Date.now();
      const debug = window.solara && window.solara.debug;
      // Solara's own socket closed: it retries after a back-off of up to a minute (and a
      // restarted server then has it ask for a refresh). A blip it bridges within LATE is
      // no loss; a refused request for this page (server down) is one at once.
      if (debug && debug.connectionStatus && debug.connectionStatus !== "connected") {
        this.down = this.down || now;
        if (now - this.down > LATE) this.lost = true;
        if (!this.lost) this.probe();
      } else {
        this.down = 0;
      }
      if (!this.lost && now - this.last > LOST) this.lost = true;
      if (!this.lost) {
        if (now - this.pinged >= PERIOD) {
          this.send();
          // an answer overdue: is the server there at all? A refused request says so at
          // once, where a socket to a killed server can take many seconds to notice
          if (now - this.last > LATE) this.probe();
        }
        return;
      }
      this.probe();
    },
    probe() {
      // The page's own address: once the server serves it again, reload (the address holds
      // the seat or the facilitator key and the view, so all comes back). Asked every TICK
      // while lost, so the page comes back within about a second of the server.
      if (this.polling) return;
      this.polling = true;
      fetch(window.location.href, { cache: "no-store" })
        .then((r) => { if (r.ok && this.lost) window.location.reload(); })  // back: reload
        .catch(() => { this.lost = true; })
        .finally(() => { this.polling = false; });
    },
  },
};
</script>
"""
RECONNECT_TICK_MS = 1000  # the page looks every second (and asks for itself, once lost)
RECONNECT_PERIOD_MS = 2000  # a ping every 2 s while the page is visible
RECONNECT_LATE_MS = 3000  # no answer for 3 s: ask the page's address whether the server is up
RECONNECT_LOST_MS = 7000  # no answer for 7 s: the connection is gone, wait for the server


class ReconnectWidget(ipyvuetify.VuetifyTemplate):
    """The browser side of ``Reconnect``: pings the server; once the pings go unanswered,
    the page's address is refused or Solara's socket closes, polls the page's address every
    second and reloads it when the server answers again."""

    template = traitlets.Unicode(
        RECONNECT.replace("TICK", str(RECONNECT_TICK_MS))
        .replace("PERIOD", str(RECONNECT_PERIOD_MS))
        .replace("LATE", str(RECONNECT_LATE_MS))
        .replace("LOST", str(RECONNECT_LOST_MS))
    ).tag(sync=True)
    pong = traitlets.Int(0).tag(sync=True)

    def vue_ping(self, _data: object = None) -> None:
        """A ping from the browser: answer by changing ``pong``."""
        self.pong += 1


def Reconnect() -> object:
    """Brings the page back after a server restart: Solara's own page says "Server
    disconnected" and retries only after a growing back-off, then asks for a refresh; this
    reloads the page within about a second of the server answering again (an element, no
    component)."""
    return ReconnectWidget.element()
