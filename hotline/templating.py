"""Jinja filters and globals: local time, Chinese labels, masked identities, role checks."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for

from hotline import access, code_spans, phones, receipts
from models import taxonomy
from models.cases import CaseStatus
from models.complaints import ComplaintStatus
from models.offices import OfficeKind
from models.users import Role


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC timestamp shown in the commission's time zone."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["SETTINGS"].TIMEZONE)
    return value.astimezone(zone).strftime(fmt)


def nav_extra() -> list[dict]:
    """Menu entries that capabilities add (`add_nav`), filtered by the user's role."""
    items = current_app.extensions.get("hotline_nav", [])
    # A label may be a function (a count that changes: '大数据比对（12）'), called only for those who see it.
    return [{"label": label_text() if callable(label_text) else label_text, "url": url_for(endpoint)}
            for label_text, endpoint, roles in items if access.has_role(*roles)]


def add_nav(app: Flask, label_text: str, endpoint: str, roles: tuple) -> None:
    app.extensions.setdefault("hotline_nav", []).append((label_text, endpoint, roles))


def init_app(app: Flask) -> None:
    labels = {
        "problem_type": taxonomy.ProblemType.labels(), "program": taxonomy.Program.labels(),
        "accused_level": taxonomy.AccusedLevel.labels(), "channel": taxonomy.Channel.labels(),
        "complaint_status": ComplaintStatus.labels(), "case_status": CaseStatus.labels(),
        "role": Role.labels(), "office_kind": OfficeKind.labels(),
    }
    app.jinja_env.filters.update(
        local_time=local_time, mask_phone=phones.mask, mask_name=phones.mask_name,
        spaced_code=receipts.spaced, duration_zh=duration_zh, code_spans=code_spans.mark,
    )
    app.jinja_env.filters["label"] = lambda value, kind: taxonomy.label(labels[kind], value)
    app.jinja_env.globals.update(labels=labels, Role=Role, has_role=access.has_role,
                                 settings=lambda: current_app.config["SETTINGS"],
                                 nav_extra=nav_extra)


def duration_zh(days: int) -> str:
    """A period in days as people say it: 1826 → "5 年", 365 → "1 年", 90 → "90 天"."""
    years = round(days / 365.25)
    if years >= 1 and abs(days - years * 365.25) <= 1:
        return f"{years} 年"
    return f"{days} 天"
