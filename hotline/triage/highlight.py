"""Marking extracted entities in a complaint's text, safely escaped."""
from __future__ import annotations

from markupsafe import Markup, escape

KIND_LABELS = {"person": "人名", "place": "地点", "amount": "金额", "id_number": "身份证号",
               "phone": "电话", "program": "项目", "date": "日期", "accused_level": "层级"}


def _raw_span(text: str, entity: dict) -> tuple[int, int] | None:
    """Where the entity stands in the text as typed (triage maps it back through normalisation)."""
    span = entity.get("raw_span")
    if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(i, int) for i in span):
        start, end = span
        if 0 <= start < end <= len(text):
            return start, end
    return None


def _spans(text: str, entities: list[dict]) -> list[tuple[int, int, dict]]:
    """Non-overlapping spans of the entities in the original text, longest first.

    The mapped raw span is used where triage gave one; otherwise the surface text is searched
    (entities stored before raw spans existed).
    """
    taken: list[tuple[int, int, dict]] = []
    searched = []
    for entity in entities or []:
        span = _raw_span(text, entity)
        if span is None:
            searched.append(entity)
        elif all(span[1] <= s or span[0] >= e for s, e, _ in taken):
            taken.append((*span, entity))
    for entity in sorted(searched, key=lambda e: -len(e.get("text") or "")):
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
