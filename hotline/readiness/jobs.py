"""The scheduler's heartbeat job (collected by hotline.scheduler)."""
from hotline.readiness import heartbeat
from hotline.scheduler import Job

JOBS = [Job("scheduler.heartbeat", heartbeat.job, "interval", {"minutes": 1})]
