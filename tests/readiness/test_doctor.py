"""`doctor` and the admin's checklist: each unmet condition is named with what to do next."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from hotline import audit
from hotline.cases import routing_defaults
from hotline.demo import code_list
from hotline.readiness import checks, heartbeat
from models.base import utcnow
from models.taxonomy import ProblemType
from models.users import Role


def _by_key(results) -> dict:
    return {c.key: c for c in results}


def _run(app, db, **kw):
    return _by_key(checks.run(db, app.config["SETTINGS"], **kw))


def test_an_empty_installation_fails_with_a_next_step_for_each_item(app, runner, db):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    for text in ("尚未导入区划：运行 python -m hotline county import", "分办规则表为空",
                 "还没有以下角色的用户：接线员", "从未运行：请启动一个 python -m hotline scheduler",
                 "还没有备份：运行 python -m hotline backup", "电话线路（Twilio）【已关闭】未接入"):
        assert text in result.output, text
    assert "尚未就绪" in result.output


def _ready_county(app, db, runner, tmp_path, factory):
    path = code_list.write(tmp_path / "list.csv")
    assert runner.invoke(args=["county", "import", str(path)]).exit_code == 0
    admin = factory.user(Role.admin, username="admin1")
    routing_defaults.township_commissions(db, actor=admin)
    db.commit()
    for role in Role:
        if role is not Role.admin:
            factory.user(role)
    return admin


@pytest.fixture
def stamped(app, db):
    """The test database (built by create_all) marked as migrated, as `db upgrade` leaves it."""
    from alembic import command

    from hotline.migrate import alembic_config

    url = app.config["SETTINGS"].DATABASE_URL
    command.stamp(alembic_config(url), "heads")
    yield
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))


def test_an_unmigrated_database_is_named(app, db):
    check = _run(app, db)["schema"]
    assert check.status is checks.Status.fail and "python -m hotline db upgrade" in check.detail


def test_a_county_set_up_end_to_end_is_ready(app, runner, db, factory, tmp_path, stamped):
    admin = _ready_county(app, db, runner, tmp_path, factory)
    from models.offices import Office, OfficeKind
    db.add(Office(name="青山县纪委监委", kind=OfficeKind.commission))
    db.commit()
    routing_defaults.apply(db, actor=admin)
    heartbeat.beat(db)
    audit.record(db, actor=None, action=checks.BACKUP_ACTION, entity="database")
    db.commit()
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "可以投入使用" in result.output


def test_townships_without_an_office_are_named(app, runner, db, factory, tmp_path):
    path = code_list.write(tmp_path / "list.csv")
    runner.invoke(args=["county", "import", str(path)])
    coverage = _run(app, db)["coverage"]
    assert coverage.status is checks.Status.fail
    assert "13 个乡镇没有乡镇纪委管辖（城关镇、石桥镇" in coverage.detail
    routing_defaults.township_commissions(db, actor=None)
    db.commit()
    assert _run(app, db)["coverage"].ok


def test_a_problem_type_without_a_general_rule_is_named(app, db, factory):
    from hotline.cases import routing

    factory.county()
    routing.save_rule(session=db, form={"name": "只收低保", "program": "dibao", "lead_by_jurisdiction":
                                        "township_commission", "active": "on"}, actor=None)
    routing.save_rule(session=db, form={"name": "形式主义", "problem_type": "formalism",
                                        "lead_by_jurisdiction": "township_commission", "active": "on"}, actor=None)
    db.commit()
    check = _run(app, db)["routing"]
    assert check.status is checks.Status.fail
    assert "违规出具证明" in check.detail and "形式主义" not in check.detail
    routing.save_rule(session=db, form={"name": "兜底", "lead_by_jurisdiction": "township_commission",
                                        "active": "on"}, actor=None)
    db.commit()
    assert _run(app, db)["routing"].ok
    assert len(ProblemType) > 2


def test_development_keys_and_the_demo_name_are_refused(app, db):
    settings = app.config["SETTINGS"]
    settings.IDENTITY_KEY, settings.COMMISSION_NAME = "", "青溪县纪委监委"
    results = _run(app, db)
    assert "IDENTITY_KEY 未设置（正使用开发用密钥）" in results["keys"].detail
    assert "COMMISSION_NAME" in results["identity"].detail


def test_equal_keys_are_refused(app, db):
    settings = app.config["SETTINGS"]
    settings.LOOKUP_KEY = settings.IDENTITY_KEY
    assert "须各不相同" in _run(app, db)["keys"].detail


def test_a_half_configured_twilio_fails_and_names_what_is_missing(app, db):
    settings = app.config["SETTINGS"]
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    check = _run(app, db)["telephony"]
    assert check.status is checks.Status.fail and "TWILIO_AUTH_TOKEN" in check.detail


def test_a_silent_scheduler_and_an_old_backup_fail(app, db):
    now = utcnow()
    heartbeat.beat(db, now=now - dt.timedelta(minutes=30))
    audit.record(db, actor=None, action=checks.BACKUP_ACTION, entity="database")
    db.commit()
    results = _run(app, db, now=now + dt.timedelta(days=2))
    assert "最近一次运行在 2 天前" in results["scheduler"].detail or "小时前" in results["scheduler"].detail
    assert results["scheduler"].status is checks.Status.fail
    assert results["backup"].status is checks.Status.fail and "最近一次备份在" in results["backup"].detail
    heartbeat.beat(db, now=now)
    assert _run(app, db, now=now + dt.timedelta(minutes=1))["scheduler"].ok


def test_the_heartbeat_is_one_row_updated_in_place(db):
    from models.jobruns import JobRun

    heartbeat.beat(db)
    heartbeat.beat(db)
    assert len(db.exec(select(JobRun).where(JobRun.job == heartbeat.JOB)).all()) == 1


def test_the_scheduler_collects_the_heartbeat_job():
    from hotline.scheduler import collect_jobs

    assert "scheduler.heartbeat" in {job.id for job in collect_jobs()}


def test_the_backup_command_is_recorded_for_the_checklist(app, runner, db, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "b.dump")])
    assert result.exit_code == 0, result.output
    assert _run(app, db)["backup"].ok
