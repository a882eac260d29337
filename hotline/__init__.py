"""The hotline application: `create_app()` builds a configured Flask app; nothing happens at import."""
from __future__ import annotations

import base64
import hashlib
import logging
import sys
from datetime import timedelta

from flask import Flask

from hotline.settings import ROOT, Settings, SettingsError, load_settings

log = logging.getLogger(__name__)
CONFIGURATION_EXIT = 3  # gunicorn's WORKER_BOOT_ERROR: the arbiter stops rather than respawn


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from the environment; `overrides` replace settings (tests).

    Started from the environment alone (gunicorn, the command line), a missing or malformed
    setting stops the process with its Chinese line on stderr and exit status 3, which gunicorn
    reads as "worker failed to boot" and halts on, instead of a traceback per worker.
    """
    if overrides is not None:
        return _build(load_settings(overrides))
    try:
        return _build(load_settings())
    except SettingsError as exc:
        sys.stderr.write(f"{exc}\n")
        sys.stderr.flush()
        raise SystemExit(CONFIGURATION_EXIT) from None


def _build(settings: Settings) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str(settings.INSTANCE_DIR))
    _configure(app, settings)
    _trust_proxies(app, settings)
    _init_extensions(app)
    _register_blueprints(app)
    return app


def lookup_key(settings: Settings) -> bytes:
    """The key of phone-number look-up hashes (app.config["LOOKUP_KEY"]); derived in dev."""
    if settings.LOOKUP_KEY:
        return base64.b64decode(settings.LOOKUP_KEY)
    return hashlib.sha256(b"identity:" + settings.SECRET_KEY.encode()).digest()


def _configure(app: Flask, settings: Settings) -> None:
    from hotline import audit

    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.SECRET_KEY,
        LOOKUP_KEY=lookup_key(settings),  # bytes; settings.LOOKUP_KEY is its base64
        AUDIT_KEY=audit.key_from_settings(settings),
        TESTING=settings.HOTLINE_ENV == "test",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.SESSION_MINUTES),
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        REMEMBER_COOKIE_SECURE=settings.is_production,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # blueprints lower (webhooks) or raise (imports) it
        WTF_CSRF_TIME_LIMIT=None,  # the session lifetime bounds the token
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False


def _trust_proxies(app: Flask, settings: Settings) -> None:
    """Behind TRUSTED_PROXY_HOPS proxies, request.remote_addr is the address the outermost trusted
    proxy saw (X-Forwarded-For that many entries from the right), for every throttle and the audit
    trail alike. 0 trusts no header: a client cannot choose its address by writing one. Only the
    address: Twilio's signature URL comes from PUBLIC_BASE_URL, not from forwarded host/scheme."""
    if settings.TRUSTED_PROXY_HOPS:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.TRUSTED_PROXY_HOPS, x_proto=0, x_host=0,
                                x_port=0, x_prefix=0)


def _init_extensions(app: Flask) -> None:
    from hotline import access, db, errors, security
    from hotline.auth import login_manager

    from hotline import vault
    from hotline.auth import passwords

    passwords.use_profile(app.config["SETTINGS"].HOTLINE_ENV == "test")

    app.extensions["vault"] = vault.from_settings(app.config["SETTINGS"])
    db.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.before_request(access.enforce_declared_access)
    from hotline import logmask

    logmask.install(app.logger)  # no phone or ID number in access or application logs
    from hotline import templating

    templating.init_app(app)


# Capabilities' web modules: each has `bp` and may have `NAV` = [(label, endpoint, roles)] and
# `TEMPLATE_GLOBALS` = {name: function} for the fragments it includes in shared pages.
# Every one exists: an import error stops the app rather than silently dropping a capability.
WEB_MODULES = ("hotline.home", "hotline.auth.views", "hotline.intake.views", "hotline.api.views",
               "hotline.admin.views", "hotline.triage.views", "hotline.telephony.views",
               "hotline.crosscheck.views", "hotline.crosscheck.grant_views", "hotline.cases.views", "hotline.cases.outcome_views", "hotline.clues.views", "hotline.bulletins.views",
               "hotline.trust.views", "hotline.open311.views", "hotline.admin.checklist",
               "hotline.admin.divisions", "hotline.admin.jurisdictions", "hotline.admin.routing_defaults",
               "hotline.public.views", "hotline.public.attachment_views", "hotline.public.review_views")


def _register_blueprints(app: Flask) -> None:
    import importlib

    from hotline import cli, templating

    for name in WEB_MODULES:
        module = importlib.import_module(name)  # a broken capability fails the start, loudly
        app.register_blueprint(module.bp)
        for label_text, endpoint, roles in getattr(module, "NAV", ()):
            templating.add_nav(app, label_text, endpoint, roles)
        # Functions the capability's template fragments call (e.g. a panel on the case page).
        app.jinja_env.globals.update(getattr(module, "TEMPLATE_GLOBALS", {}))
    cli.register(app)
