"""Layer 3: the ``chainleader`` command line (typer + rich), a thin client over chainleader.services."""

from chainleader.cli.app import app, main

__all__ = ["app", "main"]
