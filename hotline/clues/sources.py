"""A clue's source as entered (or implied by its channel), checked; referral details with it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hotline import controlchars
from models.clues import REFERRED_SOURCES, ClueSource
from models.taxonomy import Channel

# The source a channel implies when nobody chose one: the phone line and the operator's call form
# are 来电, the Twilio SMS number 短信, the web form and API 网络举报, Open311 12345转来.
CHANNEL_SOURCES = {
    Channel.call: ClueSource.call, Channel.voice: ClueSource.call, Channel.sms: ClueSource.sms,
    Channel.web: ClueSource.online, Channel.letter: ClueSource.letter, Channel.visit: ClueSource.visit,
    Channel.open311: ClueSource.platform_12345, Channel.crosscheck: ClueSource.crosscheck,
}
MAX_BODY = 60


@dataclass
class SourceInput:
    """The source fields as typed (strings); empty source: the channel's default."""

    source: str = ""
    referring_body: str = ""
    doc_number: str = ""
    date: str = ""
    due_date: str = ""


@dataclass
class CleanSource:
    source: ClueSource
    referring_body: str | None = None
    doc_number: str | None = None
    date: dt.date | None = None
    due_date: dt.date | None = None

    @property
    def referred(self) -> bool:
        return self.source in REFERRED_SOURCES


def _text(raw: str) -> str | None:
    return controlchars.drop(raw or "").strip() or None


def _date(raw: str, field: str, errors: dict[str, str]) -> dt.date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = "日期格式不正确，例如：2026-03-15"
        return None


def _source(raw: str, channel: Channel | None, errors: dict[str, str]) -> ClueSource | None:
    text = (raw or "").strip()
    if not text:
        return CHANNEL_SOURCES.get(channel or Channel.call, ClueSource.call)
    try:
        return ClueSource(text)
    except ValueError:
        pass
    for member in ClueSource:  # the API may send the Chinese label
        if member.label == text:
            return member
    errors["clue_source"] = "线索来源不正确，请从列表中选择（如 来电、来信、上级交办）"
    return None


def clean(raw: SourceInput, *, channel: Channel | None, errors: dict[str, str]) -> CleanSource | None:
    """The checked source; problems are added to `errors` (field → Chinese message)."""
    source = _source(raw.source, channel, errors)
    body, number = _text(raw.referring_body), _text(raw.doc_number)
    date = _date(raw.date, "referral_date", errors)
    due = _date(raw.due_date, "referral_due_date", errors)
    if source is None:
        return None
    if source not in REFERRED_SOURCES:
        # A 12345 order number or an outlet's name may still be kept; dates belong to referrals.
        return CleanSource(source, (body or "")[:MAX_BODY] or None, (number or "")[:MAX_BODY] or None)
    label = source.label
    if not body:
        errors["referring_body"] = f"{label}的线索须填写交办（移交）单位"
    elif len(body) > MAX_BODY:
        errors["referring_body"] = f"交办（移交）单位过长（最多{MAX_BODY}字）"
    if not number:
        errors["referral_doc_number"] = f"{label}的线索须填写来源文号"
    elif len(number) > MAX_BODY:
        errors["referral_doc_number"] = f"来源文号过长（最多{MAX_BODY}字）"
    if source is ClueSource.superior_assigned and due is None and "referral_due_date" not in errors:
        errors["referral_due_date"] = "上级交办的线索须填写交办期限"
    if date and due and due < date:
        errors["referral_due_date"] = "办理期限不能早于来文日期"
    return CleanSource(source, body, number, date, due)
