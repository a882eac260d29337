"""The keyed audit chain and its checkpoints: what an administrator with the database cannot hide."""
from __future__ import annotations

import base64
import hashlib
import json
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit, audit_checkpoints
from hotline.settings import SettingsError, load_settings
from hotline.trust import jobs
from models.audit import AuditEntry
from models.base import utcnow
from models.jobruns import JobRun
from tests.conftest import TEST_SECRET


@pytest.fixture
def key(app) -> bytes:
    return app.config["AUDIT_KEY"]


@pytest.fixture
def checkpoints(app):
    return audit_checkpoints.checkpoint_path(app.config["SETTINGS"])


@pytest.fixture
def trail(factory, db, key):
    """Six committed complaints' worth of audit entries, all sealed."""
    for i in range(3):
        factory.complaint(f"第{i}条线索：危房改造补助被截留")
    audit.seal(db.get_bind(), key)
    return db.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()


def _rows(db) -> list[AuditEntry]:
    return db.exec(select(AuditEntry).order_by(AuditEntry.seq).execution_options(populate_existing=True)).all()


def _rechain(db, start_seq: int, digest) -> None:
    """What an insider does: recompute every `hash` from `start_seq` on with his own function."""
    rows = _rows(db)
    prev = rows[start_seq - 2].hash if start_seq > 1 else audit.GENESIS
    for row in rows[start_seq - 1:]:
        value = digest(row.seq, prev, row)
        db.execute(sa.text("UPDATE auditentry SET prev_hash = :p, hash = :h WHERE id = :id"),
                   {"p": prev, "h": value, "id": row.id})
        prev = value
    db.commit()


def _plain_sha256(seq, prev, row) -> str:
    payload = json.dumps([seq, prev, *audit._payload(row)], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _edit(db, row_id: int) -> None:
    db.execute(sa.text("UPDATE auditentry SET actor_name = 'mallory' WHERE id = :id"), {"id": row_id})
    db.commit()


def test_entries_are_inserted_pending_and_sealed_in_a_gapless_chain(trail, db, key):
    assert [row.seq for row in trail] == list(range(1, len(trail) + 1))
    assert trail[0].prev_hash == audit.GENESIS and all(b.prev_hash == a.hash for a, b in zip(trail, trail[1:]))
    entry = audit.record(db, actor=None, action="test.pending", entity="test")
    db.commit()  # outside an app context nothing seals after the commit: the entry waits
    assert db.get(AuditEntry, entry.id).seq is None
    report = audit.verify(db, key)
    assert report.ok and report.head_seq == len(trail) + 1


def test_truncating_the_last_rows_after_a_checkpoint_is_detected(trail, db, key, checkpoints, runner):
    assert audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints).ok
    db.execute(sa.text("DELETE FROM auditentry WHERE seq > :n"), {"n": len(trail) - 2})
    db.commit()
    assert audit.verify_chain(db.get_bind(), key).ok  # the chain alone cannot see it
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"第 {len(trail) - 1} 至 {len(trail)} 条已被删除（截断）" in result.output


def test_an_edit_rechained_with_plain_sha256_is_detected(trail, db, key):
    victim = trail[2]
    _edit(db, victim.id)
    _rechain(db, victim.seq, _plain_sha256)
    report = audit.verify(db, key)
    assert not report.ok and report.broken_at == victim.id and "MAC不符" in report.reason


def test_an_edit_rechained_with_a_wrong_key_is_detected(trail, db, key):
    wrong = hashlib.sha256(b"a guess").digest()
    _edit(db, trail[1].id)
    _rechain(db, 1, lambda seq, prev, row: audit.mac(wrong, seq, prev, row))
    report = audit.verify(db, key)
    assert not report.ok and report.broken_at == trail[0].id


def test_a_rechain_even_with_the_key_contradicts_an_earlier_checkpoint(trail, db, key, checkpoints):
    assert audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints).ok
    _edit(db, trail[3].id)
    _rechain(db, trail[3].seq, lambda seq, prev, row: audit.mac(key, seq, prev, row))
    report = audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints)
    assert report.broken_at is None  # the chain itself holds: the key was used
    assert any("与链不符" in problem for problem in report.problems)
    assert len(checkpoints.read_text().splitlines()) == 1  # a rewritten head is not vouched for


def test_an_edited_checkpoint_file_is_detected(trail, db, key, checkpoints):
    audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints)
    line = json.loads(checkpoints.read_text())
    line["size"] -= 2  # make room for a truncation
    checkpoints.write_text(json.dumps(line) + "\n")
    report = audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints)
    assert not report.ok and "检查点文件第 1 行被改动（检查点自身的MAC不符）" in report.problems


def test_a_checkpoint_deleted_from_the_file_is_detected(trail, db, key, checkpoints):
    for _ in range(3):
        audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints)
    lines = checkpoints.read_text().splitlines()
    checkpoints.write_text("\n".join([lines[0], lines[2]]) + "\n")
    report = audit_checkpoints.verify_and_checkpoint(db.get_bind(), key, checkpoints)
    assert any("文件第 2 行之前的检查点被删除" in problem for problem in report.problems)


def test_the_scheduled_checkpoint_is_written_once_per_interval(app, trail, checkpoints):
    with app.app_context():
        now = utcnow().replace(minute=7)
        assert jobs.audit_checkpoint(app, now=now).ok
        assert jobs.audit_checkpoint(app, now=now.replace(minute=9)) is None  # same 5-minute bucket: claimed
        assert jobs.audit_checkpoint(app, now=now.replace(minute=11)).ok
    assert len(checkpoints.read_text().splitlines()) == 2


def test_the_scheduled_checkpoint_refuses_a_truncated_chain(app, trail, db, key, checkpoints):
    with app.app_context():
        jobs.audit_checkpoint(app, now=utcnow().replace(minute=0))
        db.execute(sa.text("DELETE FROM auditentry WHERE seq = :n"), {"n": len(trail)})
        db.commit()
        report = jobs.audit_checkpoint(app, now=utcnow().replace(minute=5))
    assert not report.ok and len(checkpoints.read_text().splitlines()) == 1
    assert db.exec(select(JobRun.outcome).where(JobRun.job == "audit.checkpoint")
                   .order_by(JobRun.id.desc())).first().startswith("refused")


def test_rows_from_before_the_upgrade_are_sealed_once_behind_a_marker(db, key):
    prev = audit.GENESIS
    for i in range(3):  # written as the old code did: a plain SHA-256 chain, no seq
        row = AuditEntry(at=utcnow(), actor_name="old", action="complaint.create", entity="complaint",
                         entity_id=str(i), prev_hash=prev, hash="")
        row.hash = audit._legacy_digest(row)
        db.add(row)
        db.commit()
        prev = row.hash
    report = audit.verify(db, key)
    assert report.ok and report.head_seq == 4
    assert report.legacy["legacy_rows"] == 3 and report.legacy["legacy_chain"] == "intact"
    marker = _rows(db)[-1]
    assert marker.action == audit.SEALED_FROM_HERE and marker.detail["legacy_head"] == prev


def test_production_requires_an_audit_key():
    key = base64.b64encode(bytes(range(32))).decode()
    values = {"HOTLINE_ENV": "production", "SECRET_KEY": TEST_SECRET, "IDENTITY_KEY": key, "LOOKUP_KEY": key}
    with pytest.raises(SettingsError, match="AUDIT_KEY"):
        load_settings(values, environ={})


def test_the_export_lists_every_entry_in_chain_order(factory, login, trail):
    from models.users import Role

    response = login.as_(factory.user(Role.auditor)).get("/admin/audit.csv")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,seq,")
    assert [line.split(",")[1] for line in lines[1:len(trail) + 1]] == [str(n) for n in range(1, len(trail) + 1)]


@pytest.mark.postgres_only
def test_an_open_intake_transaction_does_not_hold_up_another_audit_record(app, db):
    """Today's lock was held to the end of the recording transaction; now nobody waits on the chain."""
    engine = app.extensions["db_engine"]
    with Session(engine) as first, Session(engine) as second:
        audit.record(first, actor=None, action="test.first", entity="test")  # transaction left open
        second.execute(sa.text("SET LOCAL lock_timeout = '1s'"))
        audit.record(second, actor=None, action="test.second", entity="test")
        second.commit()
        first.commit()
    report = audit.verify(db, app.config["AUDIT_KEY"])
    assert report.ok and report.head_seq == 2


@pytest.mark.postgres_only
def test_concurrent_appends_are_all_sealed_in_one_valid_chain(app, db):
    """Eight threads, each its own connection, record and commit; the after-commit sealing races."""
    engine, threads, errors = app.extensions["db_engine"], [], []

    def append(worker: int) -> None:
        try:
            with app.app_context(), Session(engine) as session:
                for i in range(25):
                    audit.record(session, actor=None, action="test.parallel", entity="test",
                                 entity_id=f"{worker}-{i}")
                    session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    for worker in range(8):
        threads.append(threading.Thread(target=append, args=(worker,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit.verify(db, app.config["AUDIT_KEY"])
    assert report.ok and report.pending == 0 and report.head_seq == 200
    ids = db.exec(select(AuditEntry.entity_id).where(AuditEntry.action == "test.parallel")).all()
    assert sorted(ids) == sorted(f"{w}-{i}" for w in range(8) for i in range(25))


@pytest.mark.postgres_only
def test_a_sequencer_busy_on_another_schemas_trail_does_not_stop_this_one(app, db):
    """Advisory locks are per database: the lock is keyed by this trail's table, so a deployment (or a
    parallel test) in another schema of the same database never makes a `wait=False` seal skip ours."""
    engine = app.extensions["db_engine"]
    other = "audit_lock_other"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {other} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {other}"))
        conn.execute(sa.text(f"CREATE TABLE {other}.auditentry (id int)"))
    try:
        with engine.connect() as holder:
            holder.begin()
            holder.execute(sa.text(f"SET LOCAL search_path TO {other}"))
            assert audit._lock(holder, wait=True)  # that schema's sequencer, mid-seal
            audit.record(db, actor=None, action="test.lock", entity="test")
            db.commit()
            assert audit.seal(engine, app.config["AUDIT_KEY"], wait=False) >= 1
            holder.rollback()
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {other} CASCADE"))
    db.expire_all()
    assert all(e.seq is not None for e in db.exec(select(AuditEntry)).all())


def test_a_rolled_back_promise_to_seal_later_does_not_stop_the_next_commit_from_sealing(app, db):
    """A webhook leaves its entries to the drain (seal_in_background); if that transaction rolls
    back, the promise goes with it and the session's next commit seals as usual."""
    with app.app_context():
        audit.record(db, actor=None, action="test.kept_for_the_drain", entity="test")
        audit.seal_in_background(db)
        db.commit()
        assert db.exec(select(AuditEntry.seq).where(AuditEntry.action == "test.kept_for_the_drain")).one() is None
        audit.record(db, actor=None, action="test.rolled_back", entity="test")
        audit.seal_in_background(db)
        db.rollback()
        audit.record(db, actor=None, action="test.next", entity="test")
        db.commit()
    sealed = {e.action: e.seq for e in db.exec(select(AuditEntry)).all()}
    assert "test.rolled_back" not in sealed
    assert sealed["test.next"] is not None and sealed["test.kept_for_the_drain"] is not None
