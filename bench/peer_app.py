"""The bare peer for bench/intake_vs_peer.py: what an SMS webhook costs with nothing of the product.

Flask + SQLAlchemy + twilio's RequestValidator: the signature is checked, one
INSERT … ON CONFLICT (message_sid) DO NOTHING stores the message, and a TwiML reply answers.
Served by gunicorn exactly like the product (`bench.peer_app:create_app()`), on the same
PostgreSQL server, in its own schema (PEER_DATABASE_URL carries the search_path).
"""
from __future__ import annotations

import datetime as dt
import os

import sqlalchemy as sa
from flask import Flask, Response, abort, request
from sqlalchemy.dialects.postgresql import insert
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

metadata = sa.MetaData()
peer_sms = sa.Table(
    "peer_sms", metadata,
    sa.Column("message_sid", sa.String(64), primary_key=True),
    sa.Column("sender", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)


def create_app() -> Flask:
    app = Flask(__name__)
    # The product's own pool settings (hotline/db.py), so the comparison is about the work done.
    engine = sa.create_engine(os.environ["PEER_DATABASE_URL"], pool_pre_ping=True, pool_size=5, max_overflow=10)
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    base = os.environ["PUBLIC_BASE_URL"].rstrip("/")

    @app.post("/twilio/sms")
    def sms():
        form = request.form.to_dict()
        if not validator.validate(base + request.path, form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        statement = (insert(peer_sms)
                     .values(message_sid=form["MessageSid"], sender=form.get("From", ""),
                             body=form.get("Body", ""), received_at=dt.datetime.now(dt.timezone.utc))
                     .on_conflict_do_nothing(index_elements=["message_sid"]))
        with engine.begin() as conn:
            conn.execute(statement)
        reply = MessagingResponse()
        reply.message("已收到您的反映。")
        return Response(str(reply), mimetype="application/xml")

    return app


def create_schema(url: str) -> None:
    """Create the peer's table (called once by the benchmark before gunicorn starts)."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
