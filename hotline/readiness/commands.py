"""`python -m hotline doctor`: the first-run checklist for operators."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    pass
