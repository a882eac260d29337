"""Enumerated query parameters of lists and exports (status, problem_type, program, channel, rule ...).

One parser: an empty or missing value means "no filter"; a value outside the choices answers 400
with a Chinese message naming the filter (never a 500 from a failed enum lookup deep in a query).
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from werkzeug.exceptions import BadRequest


class BadFilter(BadRequest):
    """A filter value outside its choices (answered 400 with message_zh)."""

    error_code = "bad_filter"

    def __init__(self, message_zh: str):
        super().__init__(message_zh)
        self.message_zh = message_zh


def choice(args: Mapping[str, str], name: str, allowed: type[enum.Enum] | Iterable[str], label: str) -> str:
    """The value of `name` in args if it is one of `allowed` (an Enum's values or strings), else "".

    Raises BadFilter for any other value.
    """
    raw = (args.get(name) or "").strip()
    if not raw:
        return ""
    values = [m.value for m in allowed] if isinstance(allowed, type) and issubclass(allowed, enum.Enum) \
        else list(allowed)
    if raw not in values:
        raise BadFilter(f"筛选条件“{label}”的取值“{raw[:40]}”无效，请从页面上的选项中选择")
    return raw


def number(args: Mapping[str, str], name: str, label: str) -> int | None:
    """An optional whole-number parameter (an id): missing is None, anything not a number is 400."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise BadFilter(f"筛选条件“{label}”的取值“{raw[:40]}”无效，须为数字编号")
    return int(raw)
