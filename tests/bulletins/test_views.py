"""Supervisors and admins browse the archive, read the HTML view, download files, see the dashboard."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from models.bulletins import Bulletin, BulletinStatus
from models.users import Role
from tests.bulletins.conftest import local

PATHS = ["/bulletins/", "/bulletins/dashboard", "/bulletins/dashboard/trend.png"]


@pytest.mark.parametrize("role", [Role.operator, Role.inspector, Role.auditor, Role.custodian])
def test_other_roles_are_refused(factory, login, role):
    client = login.as_(factory.user(role))
    for path in PATHS + ["/bulletins/1", "/bulletins/1/files/bulletin.docx"]:
        assert client.get(path).status_code == 403, path
    assert client.post("/bulletins/build", data={"week": "2026-W47"}).status_code == 403


def test_strangers_are_sent_to_log_in(client):
    assert client.get("/bulletins/").status_code == 302


@pytest.fixture
def supervisor(factory, login, data, db):
    data.case(data.clue(local(2026, 11, 17), problem_type=None))
    db.commit()
    return login.as_(factory.user(Role.supervisor))


def test_a_supervisor_builds_a_week_and_reads_it(supervisor, db):
    response = supervisor.post("/bulletins/build", data={"week": "2026-W47"})
    assert response.status_code == 302
    page = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert "（草稿，未发布）" in page and "二、来电来信受理情况" in page and "发布为正式通报" in page
    bulletin = db.exec(select(Bulletin)).one()
    assert bulletin.trigger == "web"
    listing = supervisor.get("/bulletins/").get_data(as_text=True)
    assert "2026-W47" in listing and "第1版" in listing


def test_the_files_download_with_their_types(supervisor, db):
    supervisor.post("/bulletins/build", data={"week": "2026-W47"})
    bulletin_id = db.exec(select(Bulletin.id)).one()
    docx = supervisor.get(f"/bulletins/{bulletin_id}/files/bulletin.docx")
    assert docx.status_code == 200 and "wordprocessingml" in docx.headers["Content-Type"]
    assert "attachment" in docx.headers["Content-Disposition"]
    xlsx = supervisor.get(f"/bulletins/{bulletin_id}/files/bulletin.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data))["来电来信"]["B10"].value == 1
    chart = supervisor.get(f"/bulletins/{bulletin_id}/files/charts/trend.png")
    assert chart.status_code == 200 and chart.data[:4] == b"\x89PNG"
    assert supervisor.get(f"/bulletins/{bulletin_id}/files/../../etc/passwd").status_code == 404
    assert supervisor.get("/bulletins/999/files/bulletin.docx").status_code == 404


@pytest.mark.parametrize("week, message", [("2026-47", "周次格式不正确：“2026-47”"), ("2026-W54", "没有第54周"),
                                           ("2999-W01", "尚未开始")])
def test_a_bad_week_is_refused_with_the_typed_value_kept(supervisor, db, week, message):
    response = supervisor.post("/bulletins/build", data={"week": week})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'value="{week}"' in page
    assert db.exec(select(Bulletin)).all() == []


def test_an_admin_sees_the_dashboard_with_this_weeks_figures_and_twelve_weeks(factory, login, data, db):
    from models.base import utcnow

    data.clue(utcnow())
    db.commit()
    client = login.as_(factory.user(Role.admin))
    page = client.get("/bulletins/dashboard").get_data(as_text=True)
    assert 'data-key="contacts">1<' in page
    assert page.count("<tr>") >= 13  # header + 12 weeks
    image = client.get("/bulletins/dashboard/trend.png")
    assert image.status_code == 200 and image.data[:4] == b"\x89PNG"


def test_the_menu_offers_bulletins_to_supervisors_and_not_to_operators(factory, login, client):
    supervisor = login.as_(factory.user(Role.supervisor))
    assert 'href="/bulletins/"' in supervisor.get("/intake/complaints").get_data(as_text=True)
    client.post("/logout")
    operator = login.as_(factory.user(Role.operator))
    page = operator.get("/intake/new").get_data(as_text=True)
    assert "intake" in page and 'href="/bulletins/"' not in page


def test_a_supervisor_publishes_a_draft_and_a_period_only_once(supervisor, db):
    supervisor.post("/bulletins/build", data={"kind": "week", "value": "2026-W47"})
    draft = db.exec(select(Bulletin)).one()
    response = supervisor.post(f"/bulletins/{draft.id}/publish")
    assert response.status_code == 302
    published = db.exec(select(Bulletin).where(Bulletin.status == BulletinStatus.published)).one()
    assert published.version == 2 and published.number.startswith("青纪热线〔") and published.issued_on
    page = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert published.number in page and "登记更正" in page
    again = supervisor.post(f"/bulletins/{draft.id}/publish")
    assert again.status_code == 400 and "已经发布" in again.get_data(as_text=True)


def test_a_month_and_a_date_range_are_built_from_the_form(supervisor, db):
    month = supervisor.post("/bulletins/build", data={"kind": "month", "value": "2026-11"})
    assert month.status_code == 302
    span = supervisor.post("/bulletins/build", data={"kind": "range", "first": "2025-11-01", "last": "2026-11-30",
                                                     "title": "专项整治以来"})
    assert span.status_code == 302
    keys = set(db.exec(select(Bulletin.week)).all())
    assert keys == {"2026-11", "2025-11-01~2026-11-30"}
    bad = supervisor.post("/bulletins/build", data={"kind": "range", "first": "2026-11-30", "last": "2026-11-01"})
    assert bad.status_code == 400 and "早于" in bad.get_data(as_text=True)


def test_an_admin_reads_bulletins_but_does_not_publish_them(factory, login, db, data):
    data.case(data.clue(local(2026, 11, 17)))
    db.commit()
    admin = login.as_(factory.user(Role.admin))
    admin.post("/bulletins/build", data={"kind": "week", "value": "2026-W47"})
    draft = db.exec(select(Bulletin)).one()
    assert admin.post(f"/bulletins/{draft.id}/publish").status_code == 403
    assert db.exec(select(Bulletin).where(Bulletin.status == BulletinStatus.published)).first() is None
