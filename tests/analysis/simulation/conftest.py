"""Puts this folder on sys.path so the tests can ``import simnets`` (the tiny test datasets)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
