"""One entry point for everything Twilio posts, used by the webhooks and the spool replay alike."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import Session
from werkzeug.datastructures import MultiDict
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from hotline import controlchars
from hotline.settings import Settings
from hotline.telephony import outbox, sms, voice
from hotline.telephony.sms import BadWebhook

VOICE_STEPS: dict[str, Callable[..., VoiceResponse]] = {
    "voice.start": voice.start, "voice.menu": voice.choose, "voice.report": voice.report,
    "voice.recorded": voice.recorded, "voice.query": voice.query, "voice.dialed": voice.dialed,
}
KINDS = ("sms", "status", *VOICE_STEPS)


def kind_of_fallback(form) -> str:
    """What a request to the fallback URL was meant to be, judged by Twilio's fields."""
    if form.get("MessageSid") and not form.get("MessageStatus"):
        return "sms"
    if form.get("MessageStatus") or (form.get("CallStatus") in ("completed", "busy", "no-answer", "canceled", "failed")):
        return "status"
    if form.get("RecordingSid"):
        return "voice.recorded"
    if form.get("SpeechResult"):
        return "voice.report"
    if form.get("CallSid"):
        return "voice.start"
    raise BadWebhook("无法识别的 Twilio 请求：缺少 MessageSid 或 CallSid")




def clean_form(form) -> MultiDict:
    """The request's fields without control characters (after the signature check, which needs them)."""
    return MultiDict([(controlchars.drop(key), controlchars.drop(value)) for key, value in form.items(multi=True)])


def process(kind: str, form, *, session: Session, settings: Settings, lookup_key: bytes,
            received_at: dt.datetime, replayed: bool = False, optimistic: bool = False) -> str:
    """Handle one request; returns the TwiML (or '' for a status callback). Caller commits.

    `optimistic` (an SMS): insert without first looking for an earlier copy; the caller must retry
    without it when a unique constraint refuses the insert (see telephony.views)."""
    form = clean_form(form)
    if kind == "sms":
        reply = sms.handle_sms(session=session, form=form, settings=settings, lookup_key=lookup_key,
                               received_at=received_at, replayed=replayed, optimistic=optimistic)
        response = MessagingResponse()
        if reply:
            response.message(reply)
        return str(response)
    if kind == "status":
        status_callback(session=session, form=form, now=received_at)
        return ""
    step = VOICE_STEPS.get(kind)
    if step is None:
        raise BadWebhook(f"未知的请求类型：{kind}")
    return str(step(session=session, form=form, settings=settings, lookup_key=lookup_key, now=received_at))


def status_callback(*, session: Session, form, now: dt.datetime) -> None:
    """Message delivery or call progress, from Twilio's status callback."""
    if form.get("MessageSid") or form.get("m"):
        outbox.apply_status(session, token=form.get("m"), sid=form.get("MessageSid"),
                            status=(form.get("MessageStatus") or form.get("SmsStatus") or "").lower(),
                            error_code=form.get("ErrorCode"))
    elif form.get("CallSid"):
        voice.call_status(session=session, form=form, now=now)


def outage_reply(kind: str, settings: Settings) -> str:
    """What Twilio hears when the database is down: the request is spooled, the caller reassured."""
    if kind == "sms":
        response = MessagingResponse()
        response.message("您的短信已收到。系统正在维护，受理后查询码将以短信发送给您，请勿重复发送。")
        return str(response)
    if kind == "status":
        return ""
    response = VoiceResponse()
    if kind in ("voice.report", "voice.recorded"):
        response.say("您反映的内容已记录，受理后查询码将以短信发送给您。感谢您的监督，再见。", **voice.SAY)
        response.hangup()
        return str(response)
    response.say(f"您好，这里是{settings.COMMISSION_NAME}监督举报热线。系统正在维护，通话可能被录音。", **voice.SAY)
    return str(voice.record_message(response, "请在提示音后留言反映问题，讲完请按井号键，受理后查询码将以短信发送给您。"))
