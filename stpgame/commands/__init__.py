"""Command-line commands, one module per family (see stpgame/cli.py)."""
