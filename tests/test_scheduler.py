"""The scheduler collects every capability's jobs and runs them inside the app."""
from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler

from hotline import scheduler

EXPECTED = {"triage.retrain", "triage.catch_up", "telephony.send_outbox", "telephony.replay_spool",
            "cases.remind", "cases.escalate", "cases.chase", "cases.influence_ended", "bulletins.weekly"}


def test_every_capability_contributes_its_jobs():
    assert EXPECTED <= {job.id for job in scheduler.collect_jobs()}


def test_the_weekly_bulletin_runs_on_monday_morning_in_local_time(app):
    sched = BackgroundScheduler(timezone="Asia/Shanghai")
    scheduler.configure(sched, app)
    trigger = str(sched.get_job("bulletins.weekly").trigger)
    assert "day_of_week='mon'" in trigger and "hour='8'" in trigger
    assert str(sched.get_job("bulletins.weekly").trigger.timezone) == "Asia/Shanghai"


def test_a_failing_job_is_logged_and_does_not_stop_the_scheduler(app, caplog):
    def explode(_app):
        raise RuntimeError("boom")

    run = scheduler._runner(app, scheduler.Job("test.explode", explode, "interval", {"minutes": 1}))
    run()
    assert "scheduled job test.explode failed" in caplog.text
