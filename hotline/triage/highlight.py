"""Marking extracted entities in a complaint's text, safely escaped."""
from __future__ import annotations

from markupsafe import Markup, escape

KIND_LABELS = {"person": "人名", "place": "地点", "amount": "金额", "id_number": "身份证号",
               "phone": "电话", "program": "项目", "date": "日期", "accused_level": "层级"}


def _spans(text: str, entities: list[dict]) -> list[tuple[int, int, dict]]:
    """Non-overlapping spans of the entities' surface text in the original text, longest first."""
    taken: list[tuple[int, int, dict]] = []
    for entity in sorted(entities or [], key=lambda e: -len(e.get("text") or "")):
        needle = entity.get("text") or ""
        if len(needle) < 2:
            continue
        start = text.find(needle)
        while start != -1:
            end = start + len(needle)
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, entity))
            start = text.find(needle, end)
    return sorted(taken, key=lambda span: span[0])


def highlight(text: str, entities: list[dict] | None) -> Markup:
    """The text with each entity wrapped in <mark class="ent ent-KIND" title="...">."""
    out, cursor = [], 0
    for start, end, entity in _spans(text, entities or []):
        kind = str(entity.get("kind", ""))
        title = KIND_LABELS.get(kind, kind)
        attrs = entity.get("attrs") or {}
        if kind == "id_number" and attrs.get("valid") is False:
            title += "（校验位错误，无效）" if not attrs.get("error") else f"（无效：{attrs['error']}）"
        out.append(escape(text[cursor:start]))
        out.append(Markup('<mark class="ent ent-{}" title="{}">{}</mark>').format(kind, title, text[start:end]))
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)
