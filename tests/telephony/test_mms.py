"""MMS evidence: an SMS with NumMedia > 0 keeps its pictures as attachments of the report, fetched
through the Twilio client's injectable HTTP client (a fake here: no test reaches the network),
checked by content like web files, stored sealed once; refusals and give-ups are kept, audited and
told to the sender in Chinese."""
from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
import requests
from sqlmodel import select

from hotline.public import jobs
from hotline.telephony import media
from hotline.vault import vault
from models.attachments import Attachment, MmsMedia
from models.audit import AuditEntry
from models.complaints import Complaint
from models.telephony import OutboxMessage

from tests.public.conftest import jpeg_with_gps, png_bytes
from tests.telephony.conftest import CALLER, CannedHttp, message_text, new_sid

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPORT = "石桥镇红旗村村支书王某把低保名额给了自己的亲戚，照片是他家的新车。"


def media_url(n: int = 0) -> str:
    return f"https://api.twilio.com/2010-04-01/Accounts/AC{'a' * 32}/Messages/MM{n:032x}/Media/ME{n:032x}"


class FakeMediaHttp(CannedHttp):
    """The bytes path of the REST client's HTTP client, answering from a queue."""

    def request_bytes(self, url, *, auth, timeout, max_bytes):
        self.requests.append({"method": "GET", "uri": url, "auth": auth, "max_bytes": max_bytes})
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():  # as the scheduler runs jobs (the vault opens the sealed files)
        yield


@pytest.fixture
def fake(app) -> FakeMediaHttp:
    client = FakeMediaHttp()
    app.extensions["twilio_http_client"] = client
    return client


def photo(data: bytes, content_type: str = "image/jpeg") -> media.Fetched:
    return media.Fetched(200, data, content_type)


def mms(twilio, body: str, items: list[tuple[str, str]], **kwargs):
    extra = {"NumMedia": str(len(items))}
    for n, (url, content_type) in enumerate(items):
        extra[f"MediaUrl{n}"], extra[f"MediaContentType{n}"] = url, content_type
    return twilio.sms(body, **{**kwargs, **extra})


def opened(attachment: Attachment) -> bytes:
    return base64.b64decode(vault().open(attachment.sealed, field="attachment"))


def test_a_photo_sent_with_a_report_is_fetched_checked_and_stored_sealed_without_location(
        app, factory, twilio, fake, db, settings_overrides):
    factory.county()
    reply = message_text(mms(twilio, REPORT, [(media_url(1), "image/jpeg")]))
    assert "查询码" in reply and "1个附件将作为证据材料保存" in reply
    row = db.exec(select(MmsMedia)).one()
    assert row.status == "pending" and row.complaint_id is not None

    fake.answers.append(photo(jpeg_with_gps()))
    report = jobs.fetch_mms_media(app)
    assert report.stored == 1
    assert fake.requests[0]["uri"] == media_url(1)
    assert fake.requests[0]["auth"] == (settings_overrides["TWILIO_ACCOUNT_SID"], settings_overrides["TWILIO_AUTH_TOKEN"])
    attachment = db.exec(select(Attachment)).one()
    assert attachment.complaint_id == row.complaint_id and attachment.contact_id == row.contact_id
    assert attachment.kind == "jpeg" and attachment.filename == "彩信附件1.jpg"
    data = opened(attachment)
    assert data.startswith(b"\xff\xd8") and b"Exif" not in data  # the GPS position is gone
    assert "PhoneMaker" not in attachment.sealed  # sealed, not plain
    db.expire_all()
    assert db.get(MmsMedia, row.id).status == "stored"
    assert db.get(MmsMedia, row.id).sender_enc is None  # the number is not kept once no notice is due
    audit = db.exec(select(AuditEntry).where(AuditEntry.action == "attachment.add")).one()
    assert audit.detail["channel"] == "sms"


def test_a_repeated_webhook_records_and_stores_each_picture_once(app, factory, twilio, fake, db):
    factory.county()
    sid = new_sid("MM")
    items = [(media_url(1), "image/jpeg"), (media_url(2), "image/png")]
    first = message_text(mms(twilio, REPORT, items, sid=sid))
    again = message_text(mms(twilio, REPORT, items, sid=sid))
    assert first == again
    assert len(db.exec(select(MmsMedia)).all()) == 2
    fake.answers.extend([photo(jpeg_with_gps()), photo(png_bytes(), "image/png")])
    assert jobs.fetch_mms_media(app).stored == 2
    assert jobs.fetch_mms_media(app).stored == 0  # nothing fetched again
    assert len(fake.requests) == 2
    assert sorted(a.kind for a in db.exec(select(Attachment)).all()) == ["jpeg", "png"]


def test_pictures_without_words_still_make_a_report(app, factory, twilio, fake, db):
    factory.county()
    reply = message_text(mms(twilio, "", [(media_url(3), "image/png")]))
    assert "查询码" in reply
    complaint = db.exec(select(Complaint)).one()
    assert "【彩信】" in complaint.text and "1个附件" in complaint.text
    fake.answers.append(photo(png_bytes(), "image/png"))
    jobs.fetch_mms_media(app)
    assert db.exec(select(Attachment)).one().complaint_id == complaint.id


def test_a_picture_right_after_a_report_joins_that_report(app, factory, twilio, fake, db):
    factory.county()
    message_text(twilio.sms(REPORT))
    mms(twilio, "", [(media_url(4), "image/png")])
    assert len(db.exec(select(Complaint)).all()) == 1
    fake.answers.append(photo(png_bytes(), "image/png"))
    jobs.fetch_mms_media(app)
    complaint = db.exec(select(Complaint)).one()
    assert db.exec(select(Attachment)).one().complaint_id == complaint.id


def _refusal_sms(db) -> OutboxMessage:
    return db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("mms-refused:"))).one()


def test_a_file_too_big_is_refused_recorded_and_the_sender_told(app, factory, twilio, fake, db):
    factory.county()
    mms(twilio, REPORT, [(media_url(5), "image/jpeg")])
    fake.answers.append(media.Fetched(200, too_big=True))
    assert jobs.fetch_mms_media(app).refused == 1
    row = db.exec(select(MmsMedia)).one()
    assert row.status == "refused" and "过大" in row.error and row.sender_enc is None
    assert db.exec(select(Attachment)).all() == []
    assert "过大" in _refusal_sms(db).body and "未能作为证据保存" in _refusal_sms(db).body
    refused = db.exec(select(AuditEntry).where(AuditEntry.action == "attachment.refused")).one()
    assert refused.detail["media_id"] == row.id


@pytest.mark.parametrize("content_type, answer, said", [
    ("video/mp4", None, "不支持"),  # not fetched at all
    ("image/jpeg", photo(PDF, "image/jpeg"), "内容与扩展名不符"),  # Twilio's type, other bytes
    ("application/pdf", photo(b"MZ\x90\x00 not a pdf"), "内容与扩展名不符"),
])
def test_a_file_of_the_wrong_type_is_refused_by_its_content(app, factory, twilio, fake, db, content_type, answer, said):
    factory.county()
    mms(twilio, REPORT, [(media_url(6), content_type)])
    if answer is not None:
        fake.answers.append(answer)
    assert jobs.fetch_mms_media(app).refused == 1
    assert len(fake.requests) == (0 if answer is None else 1)
    row = db.exec(select(MmsMedia)).one()
    assert row.status == "refused" and said in row.error
    assert said in _refusal_sms(db).body


def test_a_fetch_error_is_retried_later_and_given_up_after_the_last_attempt(app, factory, twilio, fake, db):
    factory.county()
    mms(twilio, REPORT, [(media_url(7), "image/jpeg")])
    fake.answers.append(requests.ConnectionError("connection refused"))
    assert jobs.fetch_mms_media(app).retried == 1
    row = db.exec(select(MmsMedia)).one()
    assert row.status == "pending" and row.attempts == 1 and "获取失败" in row.error
    assert jobs.fetch_mms_media(app).retried == 0  # not due yet: backoff
    client = media.make_client(app.config["SETTINGS"], fake)
    now = row.next_attempt_at
    for attempt in range(2, media.MAX_ATTEMPTS + 1):
        fake.answers.append(media.Fetched(503))
        now += dt.timedelta(hours=5)
        report = media.fetch_due(session=db, client=client, lookup_key=app.config["LOOKUP_KEY"], now=now)
    assert report.failed == 1
    db.expire_all()
    row = db.get(MmsMedia, row.id)
    assert row.status == "failed" and row.attempts == media.MAX_ATTEMPTS
    assert "503" in _refusal_sms(db).body


def test_the_picture_comes_later_when_twilio_answers_after_an_error(app, factory, twilio, fake, db):
    factory.county()
    mms(twilio, REPORT, [(media_url(8), "image/png")])
    fake.answers.extend([media.Fetched(500), photo(png_bytes(), "image/png")])
    client = media.make_client(app.config["SETTINGS"], fake)
    assert media.fetch_due(session=db, client=client, lookup_key=app.config["LOOKUP_KEY"]).retried == 1
    due = db.exec(select(MmsMedia)).one().next_attempt_at
    later = media.fetch_due(session=db, client=client, lookup_key=app.config["LOOKUP_KEY"], now=due)
    assert later.stored == 1 and len(db.exec(select(Attachment)).all()) == 1


def test_pictures_sent_with_a_query_are_kept_as_skipped_and_never_fetched(app, factory, twilio, fake, db):
    complaint = factory.complaint(REPORT)
    message_text(mms(twilio, f"查询 {complaint.receipt_code}", [(media_url(9), "image/jpeg")]))
    row = db.exec(select(MmsMedia)).one()
    assert row.status == "skipped" and "不作为举报材料" in row.error and row.sender_enc is None
    jobs.fetch_mms_media(app)
    assert fake.requests == [] and db.exec(select(Attachment)).all() == []


def test_a_media_address_that_is_not_twilio_is_never_fetched(app, factory, twilio, fake, db):
    factory.county()
    mms(twilio, REPORT, [("https://attacker.example/x.jpg", "image/jpeg"), ("http://api.twilio.com/x", "image/jpeg")])
    rows = db.exec(select(MmsMedia).order_by(MmsMedia.position)).all()
    assert [r.status for r in rows] == ["refused", "refused"]
    jobs.fetch_mms_media(app)
    assert fake.requests == []


def test_without_twilio_credentials_the_pictures_wait(app, factory, twilio, db):
    factory.county()
    mms(twilio, REPORT, [(media_url(10), "image/jpeg")])
    report = media.fetch_due(session=db, client=None, lookup_key=app.config["LOOKUP_KEY"])
    assert report.stored == 0 and db.exec(select(MmsMedia)).one().status == "pending"


def test_a_picture_sent_while_the_database_was_down_is_recorded_on_replay(app, factory, twilio, fake, db,
                                                                         database_down):
    from hotline.telephony import service

    factory.county()
    response = mms(twilio, REPORT, [(media_url(11), "image/jpeg")])
    assert response.status_code == 200
    database_down()  # restore
    service.replay_spool(app)
    service.replay_spool(app)  # a second replay stores nothing again
    assert len(db.exec(select(MmsMedia)).all()) == 1
    fake.answers.append(photo(jpeg_with_gps()))
    assert jobs.fetch_mms_media(app).stored == 1


# --- the real client's bytes path, on a requests adapter instead of the network ----------------

class Adapter(requests.adapters.BaseAdapter):
    def __init__(self, status: int, body: bytes, headers: dict | None = None):
        super().__init__()
        self.status, self.body, self.headers, self.seen = status, body, headers or {}, []

    def send(self, request, **kwargs):
        self.seen.append(request)
        response = requests.Response()
        response.status_code, response.raw, response.url, response.request = self.status, io.BytesIO(self.body), request.url, request
        response.headers.update(self.headers)
        return response

    def close(self):
        pass


def _client_on(adapter: Adapter) -> media.MediaHttpClient:
    http = media.MediaHttpClient(timeout=5)
    http.session.mount("https://", adapter)
    return http


def test_the_http_client_returns_bytes_with_the_credentials():
    adapter = Adapter(200, b"\xff\xd8\xff\xe0binary\x00\xff", {"Content-Type": "image/jpeg"})
    fetched = _client_on(adapter).request_bytes(media_url(), auth=("ACx", "token"), timeout=5, max_bytes=100)
    assert fetched.content == b"\xff\xd8\xff\xe0binary\x00\xff" and fetched.content_type == "image/jpeg"
    assert adapter.seen[0].headers["Authorization"].startswith("Basic ")


def test_the_http_client_stops_reading_past_the_limit():
    body = b"x" * 5000
    assert _client_on(Adapter(200, body)).request_bytes(media_url(), auth=None, timeout=5, max_bytes=1000).too_big
    declared = Adapter(200, b"x", {"Content-Length": str(10 << 20)})
    assert _client_on(declared).request_bytes(media_url(), auth=None, timeout=5, max_bytes=1000).too_big


def test_the_http_client_reports_an_error_status_without_reading():
    fetched = _client_on(Adapter(404, b"not found")).request_bytes(media_url(), auth=None, timeout=5, max_bytes=10)
    assert fetched.status_code == 404 and fetched.content == b""


def test_a_client_without_the_bytes_path_is_a_fetch_error(app):
    client = media.make_client(app.config["SETTINGS"], CannedHttp())
    with pytest.raises(media.FetchError):
        media.fetch(client, media_url())


def test_the_scheduler_fetches_mms_media():
    from hotline import scheduler

    assert "public.fetch_mms_media" in {job.id for job in scheduler.collect_jobs()}


def test_the_sender_is_told_at_the_number_it_came_from(app, factory, twilio, fake, db):
    from hotline import phones

    factory.county()
    mms(twilio, REPORT, [(media_url(12), "video/mp4")])
    jobs.fetch_mms_media(app)
    notice = _refusal_sms(db)
    assert notice.phone_hash == phones.lookup_hash(phones.try_normalize(CALLER), app.config["LOOKUP_KEY"])


def test_staff_see_a_picture_that_was_not_saved_and_why(app, factory, twilio, fake, db, login):
    from models.users import Role

    factory.county()
    mms(twilio, REPORT, [(media_url(13), "video/mp4")])
    jobs.fetch_mms_media(app)
    complaint = db.exec(select(Complaint)).one()
    client = login.as_(factory.user(Role.operator))
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert 'id="unsaved-media"' in page and "未接收" in page and "video/mp4" in page


def test_pictures_of_a_refused_report_are_kept_with_the_reason(app, factory, twilio, fake, db):
    factory.county()
    limit = app.config["SETTINGS"].MAX_REPORT_CHARS
    reply = message_text(mms(twilio, "x" * (limit + 1), [(media_url(14), "image/jpeg")]))
    assert "未能受理" in reply
    row = db.exec(select(MmsMedia)).one()
    assert row.status == "skipped" and "短信未能受理" in row.error and row.url == media_url(14)
    jobs.fetch_mms_media(app)
    assert fake.requests == []
