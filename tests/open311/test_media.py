"""Open311 evidence: `media` file parts of a multipart POST are checked and stored like the web
form's files (type by content, size, EXIF location stripped, sealed); a refused file refuses the
request in Chinese and stores nothing; a repeated external_id stores nothing twice."""
from __future__ import annotations

import base64
import io

from sqlmodel import select

from hotline.public import files as evidence
from hotline.vault import vault
from models.attachments import Attachment
from models.complaints import Complaint

from tests.open311.conftest import BASE, complaint_for
from tests.public.conftest import docx_bytes, jpeg_with_gps

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client, partner, media, **params):
    data = {"api_key": partner.key, "service_code": "favoritism",
            "description": "石桥镇红旗村村支书把低保名额给了自己的侄子。", **params,
            "media": [(io.BytesIO(content), name) for name, content in media]}
    return client.post(f"{BASE}/requests.json", data=data, content_type="multipart/form-data")


def test_media_parts_become_sealed_attachments_of_the_request(app, client, partner, db):
    response = _post(client, partner, [("现场.jpg", jpeg_with_gps()), ("名单.docx", docx_bytes())])
    assert response.status_code == 201, response.get_data(as_text=True)
    complaint = complaint_for(db, response.get_json()[0]["service_request_id"])
    rows = db.exec(select(Attachment).where(Attachment.complaint_id == complaint.id).order_by(Attachment.id)).all()
    assert [(r.filename, r.kind) for r in rows] == [("现场.jpg", "jpeg"), ("名单.docx", "docx")]
    assert rows[0].contact_id is not None
    with app.app_context():
        photo = base64.b64decode(vault().open(rows[0].sealed, field="attachment"))
    assert photo.startswith(b"\xff\xd8") and b"Exif" not in photo


def test_a_file_whose_content_is_not_its_extension_refuses_the_request(client, partner, db):
    response = _post(client, partner, [("现场.jpg", PDF)])
    assert response.status_code == 400
    description = response.get_json()[0]["description"]
    assert description.startswith("media：") and "内容与扩展名不符" in description
    assert db.exec(select(Complaint)).all() == [] and db.exec(select(Attachment)).all() == []


def test_a_file_over_the_limit_is_refused_in_chinese(client, partner, db):
    big = b"%PDF-" + b"0" * evidence.MAX_FILE_BYTES
    response = _post(client, partner, [("材料.pdf", big)])
    assert response.status_code == 400 and "过大" in response.get_json()[0]["description"]
    assert db.exec(select(Complaint)).all() == []


def test_a_repeated_external_id_does_not_store_the_files_again(client, partner, db):
    first = _post(client, partner, [("材料.pdf", PDF)], external_id="12345-0001")
    again = _post(client, partner, [("材料.pdf", PDF)], external_id="12345-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(db.exec(select(Attachment)).all()) == 1


def test_a_form_encoded_request_still_has_its_small_limit(client, partner):
    data = {"api_key": partner.key, "service_code": "favoritism", "description": "低" * 300_000}
    assert client.post(f"{BASE}/requests.json", data=data).status_code == 413
