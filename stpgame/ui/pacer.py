"""Play at the speed the browser can draw, not faster.

The Play loop sends a new year only when the browser has drawn the last one
(``chart_widget.FrameAck`` echoes each frame number back after painting), so a
slow laptop or projector never builds up a queue of stale frames and the page
stays responsive. Without a browser (component tests) nothing is ever
acknowledged and the pacer does not wait; a hidden tab stops acknowledging and
Play there slows to one year per ``timeout``.
"""

from __future__ import annotations

import threading


class Pacer:
    """Lets the Play loop wait until the browser has drawn the year before (see above)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._acked = -1
        self.seen_browser = False

    def acked(self, frame: int) -> None:
        """Called (from the browser's message) when ``frame`` has been drawn."""
        with self._cond:
            self.seen_browser = True
            self._acked = max(self._acked, int(frame))
            self._cond.notify_all()

    def wait(self, frame: int, timeout: float = 1.0) -> bool:
        """Wait until ``frame`` is drawn (True), or ``timeout`` seconds (False)."""
        with self._cond:
            if not self.seen_browser:
                return False
            return self._cond.wait_for(lambda: self._acked >= frame, timeout)
