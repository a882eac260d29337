"""The voice line: a Mandarin menu (1 report, 2 progress, 0 operator), speech or recorded reports.

Each step is a function of the database and Twilio's form, returning a VoiceResponse; the same
CallSid/RecordingSid arriving again finds its rows (unique in the database) and answers the same.
Relative URLs: Twilio resolves them against the URL it just called.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from twilio.twiml.voice_response import VoiceResponse

from hotline import phones, receipts
from hotline.intake import service
from hotline.public import throttle
from hotline.settings import Settings
from hotline.telephony import outbox
from hotline.telephony.common import caller, status_line
from hotline.telephony.sms import BadWebhook
from hotline.vault import vault
from models.complaints import Complaint
from models.contacts import Contact
from models.taxonomy import Channel
from models.telephony import CallState, PhoneCall, Recording

SAY = {"language": "cmn-CN"}
SPEECH_LANGUAGE = "cmn-Hans-CN"
QUEUE_NAME = "operators"
VOICEMAIL_TEXT = "【语音留言】来电未能转写为文字，请收听录音（{seconds}秒）。"


# Twilio caps a recording at a few hours; anything larger is a forged or broken value.
MAX_RECORDING_SECONDS = 24 * 3600


def _sid(form, name: str = "CallSid") -> str:
    sid = (form.get(name) or "").strip()
    if not sid or len(sid) > 64:
        raise BadWebhook(f"缺少或无效字段：{name}")
    return sid


def _call(session: Session, form, lookup_key: bytes, now: dt.datetime) -> PhoneCall:
    """The call's row, created on first sight (a step may arrive first after a spooled start)."""
    sid = _sid(form)
    call = session.exec(select(PhoneCall).where(PhoneCall.call_sid == sid)).first()
    if call is not None:
        return call
    who = caller(form.get("From") or "", lookup_key)
    shown = who.number or who.raw[:32]
    call = PhoneCall(call_sid=sid, from_number_enc=vault().seal(shown, field="phone"),
                     from_masked=phones.mask(who.number) if who.number else shown[:32] or None,
                     phone_hash=who.hash if who.number else None, started_at=now)
    try:
        with session.begin_nested():
            session.add(call)
    except IntegrityError:  # a retry of the same step racing this one
        call = session.exec(select(PhoneCall).where(PhoneCall.call_sid == sid)).one()
    return call


def caller_number(call: PhoneCall) -> str | None:
    """The caller's number, opened (for the receipt SMS and the operator taking the call)."""
    return vault().open(call.from_number_enc, field="phone")


def _digits_for_speech(code: str) -> str:
    return "，".join(code)


def menu_prompt(settings: Settings) -> VoiceResponse:
    response = VoiceResponse()
    response.say(f"您好，这里是{settings.COMMISSION_NAME}扶贫领域监督举报热线。"
                 "为保证服务质量，通话可能被录音，我们将对您的身份严格保密。", **SAY)
    gather = response.gather(input="dtmf", num_digits=1, action="/twilio/voice/menu", method="POST", timeout=8)
    gather.say("反映问题请按1；查询办理进度请按2；转人工服务请按0。", **SAY)
    response.say("没有收到您的按键，感谢来电，再见。", **SAY)
    response.hangup()
    return response


def start(*, session: Session, form, settings: Settings, lookup_key: bytes, now: dt.datetime) -> VoiceResponse:
    """A new call: note it, tell the caller it may be recorded, offer the menu."""
    _call(session, form, lookup_key, now)
    return menu_prompt(settings)


def in_office_hours(settings: Settings, now: dt.datetime, session: Session | None = None) -> bool:
    """OFFICE_HOURS on working days (the commission's calendar when present), local time."""
    local = now.astimezone(ZoneInfo(settings.TIMEZONE))
    if not _is_workday(local.date(), settings, session):
        return False
    for span in settings.OFFICE_HOURS.split(","):
        start, _, end = span.strip().partition("-")
        try:
            begins = dt.time.fromisoformat(start.strip())
            ends = dt.time.fromisoformat(end.strip())
        except ValueError:
            continue
        if begins <= local.time() < ends:
            return True
    return False


def _is_workday(day: dt.date, settings: Settings, session: Session | None) -> bool:
    from hotline.cases import calendar

    if session is None:
        return calendar.WorkCalendar(zone=settings.TIMEZONE).is_workday(day)
    return calendar.load(session, settings.TIMEZONE).is_workday(day)


def record_message(response: VoiceResponse, prompt: str) -> VoiceResponse:
    """Say the prompt, then record the caller's message (ends on # or silence)."""
    response.say(prompt, **SAY)
    response.record(action="/twilio/voice/recorded", method="POST", max_length=300, timeout=8,
                    finish_on_key="#", play_beep=True)
    response.say("没有录到留言，感谢来电，再见。", **SAY)
    response.hangup()
    return response


def choose(*, session: Session, form, settings: Settings, lookup_key: bytes, now: dt.datetime) -> VoiceResponse:
    """The caller pressed a key in the menu."""
    call = _call(session, form, lookup_key, now)
    digit = (form.get("Digits") or "").strip()
    response = VoiceResponse()
    if digit == "1":
        call.state = CallState.reporting
        gather = response.gather(input="speech", language=SPEECH_LANGUAGE, action="/twilio/voice/report",
                                 method="POST", speech_timeout="auto", timeout=6)
        gather.say("请在听到提示后讲述您要反映的问题：什么时间、什么地点、什么人、什么事。讲完后请稍候。", **SAY)
        record_message(response, "没有识别到您的讲话，请在提示音后留言，讲完请按井号键。")
    elif digit == "2":
        call.state = CallState.querying
        gather = response.gather(input="dtmf", num_digits=receipts.LENGTH, finish_on_key="#",
                                 action="/twilio/voice/query", method="POST", timeout=15)
        gather.say("请输入14位查询码，以井号键结束。", **SAY)
        response.say("没有收到查询码，感谢来电，再见。", **SAY)
        response.hangup()
    elif digit == "0":
        _to_operator(session, call, response, settings, now)
    else:
        response.say("您的输入有误。", **SAY)
        response.redirect("/twilio/voice", method="POST")
    session.add(call)
    return response


def _to_operator(session: Session, call: PhoneCall, response: VoiceResponse, settings: Settings,
                 now: dt.datetime) -> None:
    if not in_office_hours(settings, now, session):
        call.state = CallState.after_hours
        record_message(response, f"现在是非工作时间，人工服务时间为工作日{settings.OFFICE_HOURS.replace(',', '，')}。"
                          "您可以在提示音后留言反映问题，讲完请按井号键；也可在工作时间再次来电。")
        return
    call.state, call.routed_at = CallState.operator, now
    response.say("正在为您转接人工服务，请稍候。", **SAY)
    numbers = [n.strip() for n in settings.TWILIO_OPERATOR_NUMBERS.split(",") if n.strip()]
    if numbers:
        dial = response.dial(action="/twilio/voice/dialed", method="POST", timeout=25)
        for number in numbers:
            dial.number(number)
    else:
        response.enqueue(QUEUE_NAME, action="/twilio/voice/dialed", method="POST")


def dialed(*, session: Session, form, settings: Settings, lookup_key: bytes, now: dt.datetime) -> VoiceResponse:
    """After the operators' line: if nobody answered, offer a voice message."""
    call = _call(session, form, lookup_key, now)
    outcome = form.get("DialCallStatus") or form.get("QueueResult") or ""
    response = VoiceResponse()
    if outcome in ("completed", "answered", "bridged"):
        response.hangup()
        return response
    call.state = CallState.voicemail
    session.add(call)
    return record_message(response, "坐席繁忙，请在提示音后留言反映问题，讲完请按井号键。")


def _existing_report(session: Session, call_sid: str) -> Complaint | None:
    contact = session.exec(select(Contact).where(Contact.channel == Channel.voice, Contact.external_id == call_sid,
                                                 Contact.is_followup.is_(False))).first()
    return session.get(Complaint, contact.complaint_id) if contact and contact.complaint_id else None


def _log_report(session: Session, call: PhoneCall, text: str, settings: Settings, lookup_key: bytes,
                now: dt.datetime) -> Complaint:
    complaint = _existing_report(session, call.call_sid)
    if complaint is not None:
        return complaint
    number = caller_number(call) if call.phone_hash else ""
    data = service.IntakeData(text=text, channel=Channel.voice.value, phone=number or "",
                              external_id=call.call_sid, received_at=now)
    # The caller hears the receipt code at once; triage and routing follow in the background.
    complaint = service.log_contact(session=session, data=data, actor=None, lookup_key=lookup_key,
                                    max_chars=settings.MAX_REPORT_CHARS, defer=True)
    call.complaint_id = complaint.id
    session.add(call)
    if number:
        outbox.enqueue(session=session, to_number=number, purpose="receipt",
                       dedupe_key=f"receipt:{complaint.id}", lookup_key=lookup_key,
                       body=f"您通过{settings.HOTLINE_NUMBER}热线反映的问题已受理，查询码："
                            f"{receipts.spaced(complaint.receipt_code)}。发送“查询 查询码”可查询办理进度。"
                            "回复“退订”不再接收本热线短信。")
    return complaint


def _receipt_said(complaint: Complaint) -> VoiceResponse:
    response = VoiceResponse()
    spoken = _digits_for_speech(complaint.receipt_code)
    response.say(f"您反映的问题已受理。您的查询码是：{spoken}。再重复一遍：{spoken}。"
                 "查询码也将以短信发送给您。感谢您的监督，再见。", **SAY)
    response.hangup()
    return response


def report(*, session: Session, form, settings: Settings, lookup_key: bytes, now: dt.datetime) -> VoiceResponse:
    """Speech recognised (or not) after menu 1: the text becomes the complaint."""
    call = _call(session, form, lookup_key, now)
    speech = (form.get("SpeechResult") or "").strip()
    if not speech:
        existing = _existing_report(session, call.call_sid)
        if existing is not None:
            return _receipt_said(existing)
        return record_message(VoiceResponse(), "没有识别到您的讲话，请在提示音后留言，讲完请按井号键。")
    try:
        with session.begin_nested():
            complaint = _log_report(session, call, speech, settings, lookup_key, now)
    except service.IntakeError:
        return record_message(VoiceResponse(), "未能记录您的讲话，请在提示音后留言，讲完请按井号键。")
    return _receipt_said(complaint)


def recorded(*, session: Session, form, settings: Settings, lookup_key: bytes, now: dt.datetime) -> VoiceResponse:
    """A voice message: kept as a reference; it is the report when no speech was recognised."""
    call = _call(session, form, lookup_key, now)
    recording_sid = (form.get("RecordingSid") or "").strip()
    url = (form.get("RecordingUrl") or "").strip()
    if not recording_sid or not url.startswith("https://") or len(recording_sid) > 64 or len(url) > 500:
        response = VoiceResponse()
        response.say("没有录到留言，感谢来电，再见。", **SAY)
        response.hangup()
        return response
    existing = session.exec(select(Recording).where(Recording.recording_sid == recording_sid)).first()
    if existing is not None and existing.complaint_id:
        return _receipt_said(session.get(Complaint, existing.complaint_id))
    try:
        seconds = min(max(0, int(form.get("RecordingDuration") or 0)), MAX_RECORDING_SECONDS)
    except ValueError:
        seconds = 0
    complaint = _log_report(session, call, VOICEMAIL_TEXT.format(seconds=seconds), settings, lookup_key, now)
    session.add(Recording(recording_sid=recording_sid, call_sid=call.call_sid, url=url,
                          duration_seconds=seconds, complaint_id=complaint.id))
    session.flush()
    return _receipt_said(complaint)


def query(*, session: Session, form, settings: Settings, lookup_key: bytes, now: dt.datetime) -> VoiceResponse:
    """Menu 2: the caller keyed a receipt code; say its status and the office level only. Wrong
    codes count against the caller (per number, or per call when the number is withheld)."""
    call = _call(session, form, lookup_key, now)
    code = receipts.clean(form.get("Digits") or "").rstrip("#")
    subject = call.phone_hash or f"call:{call.call_sid}"[:64]
    locked = throttle.caller_lock_minutes(session, subject, now)
    complaint = service.find_by_receipt(session, code) if code and locked is None else None
    if session.exec(select(Contact.id).where(Contact.channel == Channel.voice,
                                             Contact.external_id == call.call_sid)).first() is None:
        session.add(Contact(channel=Channel.voice, external_id=call.call_sid, received_at=now,
                            raw_text=f"语音查询：{code[:20]}", phone_hash=call.phone_hash,
                            complaint_id=complaint.id if complaint else None, is_followup=True))
    response = VoiceResponse()
    if locked is None and code and complaint is None:
        locked = throttle.wrong_caller_lookup(session, subject, channel="voice", now=now)
    if locked is not None:
        response.say(f"查询码输错次数过多，已暂停查询，请{locked}分钟后再试。", **SAY)
    elif not receipts.is_well_formed(code):
        gather = response.gather(input="dtmf", num_digits=receipts.LENGTH, finish_on_key="#",
                                 action="/twilio/voice/query", method="POST", timeout=15)
        gather.say("查询码格式不正确，请重新输入14位查询码，以井号键结束。", **SAY)
    elif complaint is None:
        response.say("未找到该查询码对应的反映，请核对后再查询。", **SAY)
    else:
        status, level = status_line(session, complaint)
        response.say(f"您查询的反映，办理状态为：{status}；承办机构为：{level}。", **SAY)
    response.say("感谢来电，再见。", **SAY)
    response.hangup()
    return response


def call_status(*, session: Session, form, now: dt.datetime) -> None:
    """A call status callback: note how the call ended."""
    sid = _sid(form)
    call = session.exec(select(PhoneCall).where(PhoneCall.call_sid == sid)).first()
    if call is None:
        return
    status = (form.get("CallStatus") or "")[:20]
    call.twilio_status = status
    if status in ("completed", "busy", "no-answer", "canceled", "failed"):
        call.ended_at = call.ended_at or now
        try:
            call.duration_seconds = int(form.get("CallDuration") or 0)
        except ValueError:
            pass
    session.add(call)
