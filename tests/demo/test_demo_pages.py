"""What a newcomer sees after loading the demo: the pages show the played history."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.contacts import Contact
from models.users import User
from tests.conftest import LoggedIn


def _login(demo_app, session, username: str, password: str):
    user = session.exec(select(User).where(User.username == username)).one()
    return LoggedIn(demo_app.test_client()).as_(user, password)


@pytest.fixture(scope="module")
def supervisor(demo, demo_app):
    """One login for the module: a second login in the same two-factor step is refused."""
    with Session(demo_app.extensions["db_engine"]) as session:
        return _login(demo_app, session, "supervisor", "demo-supervisor-965888")


def test_the_teacher_letter_shows_the_grant_the_payroll_rows_and_the_supervision(demo_app, session):
    letter = session.exec(select(Contact).where(Contact.external_id == "demo-teacher")).one()
    client = _login(demo_app, session, "inspector3", "demo-inspector3-965888")
    html = client.get(f"/complaints/{letter.complaint_id}").get_data(as_text=True)
    for text in ("普通高中国家助学金", "县第二中学", "挂牌督办", "并入重复举报"):
        assert text in html


@pytest.mark.parametrize("path, shows", [
    ("/bulletins/", "2026-W47"),
    ("/bulletins/dashboard", "满意率"),
    ("/cases/supervised", "挂牌督办"),
    ("/crosscheck/", "家庭成员财政供养"),
])
def test_the_supervisor_pages_are_not_empty(supervisor, path, shows):
    response = supervisor.get(path)
    assert response.status_code == 200 and shows in response.get_data(as_text=True)
