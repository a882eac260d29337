"""What the CLI and the scheduler run: the outbox sender and the spool replay, for one app."""
from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from hotline.telephony import outbox, spool


def status_callback_url(app: Flask) -> str | None:
    base = app.config["SETTINGS"].PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/twilio/status" if base else None


def send_outbox(app: Flask) -> outbox.SendReport:
    """Send what is due, with the injected HTTP client if any (tests: never the network)."""
    settings = app.config["SETTINGS"]
    client = None
    if outbox.sending_enabled(settings):
        client = outbox.make_client(settings, app.extensions.get("twilio_http_client"))
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        return outbox.send_due(session=session, settings=settings, client=client,
                               status_callback=status_callback_url(app))


def replay_spool(app: Flask) -> spool.ReplayReport:
    settings = app.config["SETTINGS"]
    return spool.replay(directory=settings.SPOOL_DIR, engine=app.extensions["db_engine"], settings=settings,
                        lookup_key=app.config["LOOKUP_KEY"])
