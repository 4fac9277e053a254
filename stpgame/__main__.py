"""``python -m stpgame`` is the same as the ``stpgame`` command."""

import sys

from stpgame.cli import main

sys.exit(main())
