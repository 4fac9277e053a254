"""stpgame's workshop app: `bash scripts/app.sh` (or `solara run app.py`).

Only assembles components; everything lives in ``stpgame.ui`` (see docs/app.md).
"""

from stpgame.ui.page import Page

__all__ = ["Page"]
