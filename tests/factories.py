"""Test data factories: a small county, offices, users, complaints, and the few request helpers
many test files share (post an intake form, an API report, a case action; find a complaint's case).

One place for each: a fixture or helper needed by more than one test folder lives here or in
tests/conftest.py, not copied into the folders' conftest files."""
from __future__ import annotations

import itertools

from sqlmodel import Session, select

from hotline.auth import totp
from hotline.auth.accounts import create_user
from hotline.auth.passwords import hash_password
from hotline.intake import service
from models.cases import Case
from models.complaints import Complaint
from models.divisions import Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.users import Role, User

_seq = itertools.count(1)


class Factory:
    PASSWORD = "correct-horse-battery"

    def __init__(self, session: Session, app):
        self.db = session
        self.app = app

    def county(self) -> dict:
        """Two townships with two villages each, and one office of every kind."""
        existing = self.db.exec(select(Township)).all()
        if not existing:
            for t_index, (name, villages) in enumerate(
                    [("石桥镇", ["红旗村", "下湾村"]), ("柳河乡", ["水井村", "回龙村"])], start=1):
                township = Township(name=name, code=f"5100{t_index:02d}")
                self.db.add(township)
                self.db.flush()
                for v_index, village in enumerate(villages, start=1):
                    self.db.add(Village(township_id=township.id, name=village,
                                        code=f"5100{t_index:02d}{v_index:03d}"))
            offices = [("县纪委监委", OfficeKind.commission), ("案件监督管理室", OfficeKind.case_management),
                       ("信访举报受理中心", OfficeKind.hotline), ("第一监督检查室", OfficeKind.supervision_office),
                       ("派驻县教育局纪检监察组", OfficeKind.resident_group),
                       ("石桥镇纪委", OfficeKind.township_commission), ("柳河乡纪委", OfficeKind.township_commission)]
            for name, kind in offices:
                self.db.add(Office(name=name, kind=kind,
                                   department="县教育局" if kind is OfficeKind.resident_group else None))
            self.db.flush()
            towns = {t.name: t for t in self.db.exec(select(Township)).all()}
            off = {o.name: o for o in self.db.exec(select(Office)).all()}
            self.db.add(OfficeJurisdiction(office_id=off["石桥镇纪委"].id, township_id=towns["石桥镇"].id))
            self.db.add(OfficeJurisdiction(office_id=off["柳河乡纪委"].id, township_id=towns["柳河乡"].id))
            for t in towns.values():
                self.db.add(OfficeJurisdiction(office_id=off["第一监督检查室"].id, township_id=t.id))
            self.db.commit()
        return {
            "townships": {t.name: t for t in self.db.exec(select(Township)).all()},
            "villages": {v.name: v for v in self.db.exec(select(Village)).all()},
            "offices": {o.name: o for o in self.db.exec(select(Office)).all()},
        }

    def routed_county(self) -> dict:
        """The small county with the demo routing table and the admin-entered holidays."""
        from hotline.demo.loader import load_calendar_days, load_routing

        county = self.county()
        load_routing(self.db)
        load_calendar_days(self.db)
        self.db.commit()
        return county

    def office(self, name: str) -> Office:
        return self.county()["offices"][name]

    def user(self, role: Role | str = Role.operator, *, office: str | None = None,
             username: str | None = None, full_name: str | None = None, audited: bool = True) -> User:
        """A user who logs in with PASSWORD (and a TOTP code for roles that need one).

        `audited=False` writes the row without create_user's `user.create` audit entry, for
        fixtures whose tests count the audit rows their own actions write (tests/cases Staff)."""
        role = Role(role)
        office_row = self.office(office) if office else None
        username = username or f"{role.value}{next(_seq)}"
        full_name = full_name or f"测试{role.value}"
        if audited:
            user = create_user(self.db, username=username, full_name=full_name, role=role,
                               password=self.PASSWORD, office=office_row)
        else:
            user = User(username=username, full_name=full_name, role=role,
                        password_hash=hash_password(self.PASSWORD), office_id=office_row.id if office_row else None)
            self.db.add(user)
        if totp.required(user):  # enrolled already, so logging in takes a code (see LoggedIn)
            user.totp_secret = totp.new_secret()
        self.db.commit()
        return user

    def complaint(self, text: str = "石桥镇红旗村村支书王某把低保给了自己亲戚。", *, user: User | None = None,
                  **fields) -> Complaint:
        county = self.county()
        fields.setdefault("township_id", county["townships"]["石桥镇"].id)
        data = service.IntakeData(text=text, **fields)
        with self.app.app_context():  # triage and routing read the app's settings
            complaint = service.log_contact(session=self.db, data=data, actor=user,
                                            lookup_key=self.app.config["LOOKUP_KEY"])
            self.db.commit()
        return complaint


def case_for(db: Session, complaint: Complaint | str) -> Case:
    """The case opened for a complaint, given the row or its receipt code (read afresh by code,
    since a request in another session stored it)."""
    if isinstance(complaint, str):
        db.expire_all()
        complaint = db.exec(select(Complaint).where(Complaint.receipt_code == complaint)).one()
    return db.exec(select(Case).where(Case.complaint_id == complaint.id)).one()


INTAKE_FORM = {"channel": "call", "text": "村支书王某优亲厚友，把低保给了他弟弟。", "phone": "", "name": "张三"}


def post_intake(client, **fields):
    """POST the intake form: a typical named call, with FIELDS changed or added."""
    return client.post("/intake/new", data={**INTAKE_FORM, **fields})


def post_api(client, token: str, body, **kw):
    """POST a report to the JSON API with a bearer token."""
    return client.post("/api/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"}, **kw)


def post_case(client, case: Case, action: str, **data):
    """POST a case action form (/cases/<id>/<action>)."""
    return client.post(f"/cases/{case.id}/{action}", data=data)
