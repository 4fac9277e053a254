"""Giving a closed browser tab's memory back to the machine.

Measured (``benchmarks/bench_tab_memory.py``): each explorer tab holds about 9 MB
(two England models and their histories). When a tab closes, its browser tells the
server (Solara's close beacon), Solara closes the tab's kernel context, and every
object of the tab is freed, but the server's resident memory did not go down: the
C allocator keeps freed memory for reuse. Two things here:

- ``use_release_on_close()`` (a hook every page calls once): when the tab's
  context closes, a few seconds later (once the tab's widgets and models are gone,
  and folded together when many tabs close at once) collect garbage and ask glibc
  to hand free memory back to the system (``malloc_trim``; a no-op elsewhere);
- ``set_cull_timeout()``: a tab that vanishes without a goodbye (a phone that dies,
  a browser killed, a network that drops) keeps its game for ``CULL_TIMEOUT`` so a
  reconnect finds it, then Solara closes it. Solara's default is 24 hours, which
  let the memory of every such tab pile up for a day. ``SOLARA_KERNEL_CULL_TIMEOUT``
  set in the environment wins.
"""

from __future__ import annotations

import gc
import os
import threading

import solara
from solara.server import kernel_context
from solara.server import settings as server_settings

from stpgame.batch.memory import trim

CULL_TIMEOUT = "15m"
DELAY = 3.0  # seconds after the last close: its widgets and models are gone by then

_lock = threading.Lock()
_timer: threading.Timer | None = None
releases = 0  # how many times memory was handed back (for tests)


def set_cull_timeout() -> None:
    """Close a tab's game ``CULL_TIMEOUT`` after its browser went away without a goodbye."""
    if not os.environ.get("SOLARA_KERNEL_CULL_TIMEOUT"):
        server_settings.kernel.cull_timeout = CULL_TIMEOUT


def release() -> None:
    """Free what closed tabs left (cycles included) and hand the memory back to the system."""
    global releases
    gc.collect()
    trim()  # glibc's malloc_trim (stpgame.batch.memory); a no-op elsewhere
    releases += 1


def release_soon(delay: float = DELAY) -> None:
    """``release()`` once, ``delay`` seconds after the last call (many tabs closing: one)."""
    global _timer
    with _lock:
        if _timer is not None:
            _timer.cancel()
        _timer = threading.Timer(delay, release)
        _timer.daemon = True
        _timer.start()


def use_release_on_close() -> None:
    """A hook: when this tab's kernel context closes, give its memory back soon after."""

    def register():
        try:
            context = kernel_context.get_current_context()
        except RuntimeError:  # rendered outside a server (component tests)
            return
        context.on_close(release_soon)

    solara.use_effect(register, [])
