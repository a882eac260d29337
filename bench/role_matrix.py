"""Generate docs/role-matrix.md: every route × every role → expected status, checked against the app.

    .venv/bin/python bench/role_matrix.py [--out docs/role-matrix.md]

Expected statuses come from each view's access declaration (hotline/access.py), walked from the URL
map: a role route gives its roles "allowed" (any status but 403 and the login redirect), other roles
403 and strangers a redirect to /login; Twilio routes refuse an unsigned request (403), API routes a
request without a token (401), public routes answer everyone. The script then logs in as each role on
a fresh SQLite database and makes the request (ids that do not exist: 999999), so the document shows
what the app really answers; any disagreement is listed and makes the script exit 1.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyotp  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import models  # noqa: E402,F401
from hotline import access, create_app  # noqa: E402
from hotline.auth import totp  # noqa: E402
from hotline.auth.accounts import create_user  # noqa: E402
from models.users import Role  # noqa: E402

PASSWORD = "role-matrix-password-1"
SAMPLE = {"int": "999999", "default": "x", "string": "x", "path": "x"}
COLUMNS = ["anonymous", *[r.value for r in Role]]


def concrete(rule) -> str:
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "default", "x"), rule.rule)


def method_of(rule) -> str:
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def machine_kind(declared) -> str | None:
    """The credential of a machine route: a string, or (kind, roles) for token routes."""
    if isinstance(declared, str):
        return declared
    if isinstance(declared, tuple) and declared and isinstance(declared[0], str):
        return declared[0]
    return None


def expected(declared, who: str) -> str:
    if isinstance(declared, frozenset):
        if who == "anonymous":
            return "302→login"
        return "allowed" if Role(who) in declared else "403"
    return {access.PUBLIC: "public", access.TWILIO: "4xx", access.API_TOKEN: "401",
            access.OPEN311_KEY: "4xx"}.get(machine_kind(declared), "403")


def agrees(want: str, status: int, location: str, endpoint: str = "") -> bool:
    if want == "302→login":
        return status == 302 and "/login" in location
    if want == "allowed" and endpoint == "auth.logout":
        return status == 302
    if want == "allowed":
        return status != 403 and status < 500 and not (status == 302 and "/login" in location)
    if want == "public":
        return status != 403 and status < 500
    if want == "4xx":  # an unsigned or keyless machine request: refused before anything happens
        return 400 <= status < 500
    return str(status) == want


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "role-matrix.md")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="role-matrix-"))
    app = create_app({"HOTLINE_ENV": "test", "SECRET_KEY": "role-matrix-secret-key-0123456789",
                      "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "INSTANCE_DIR": workdir,
                      "SCHEDULER_IN_PROCESS": False})
    app.config["WTF_CSRF_ENABLED"] = False
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    clients = {"anonymous": app.test_client()}
    users = {}
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        for role in Role:
            user = create_user(session, username=f"matrix_{role.value}", full_name=role.value, role=role,
                               password=PASSWORD)
            if totp.required(user):
                user.totp_secret = totp.new_secret()
            session.commit()
            users[role.value] = user

    def log_in_everyone() -> None:
        """A logged-in client per role (two-factor done where the role requires it)."""
        for name, user in users.items():
            client = app.test_client()
            answer = client.post("/login", data={"username": user.username, "password": PASSWORD})
            if answer.headers.get("Location", "").endswith("/login/totp"):
                code = pyotp.TOTP(user.totp_secret).now()
                client.post("/login/totp", data={"code": code})
            clients[name] = client

    log_in_everyone()
    rows, disagreements = [], []
    # Logging out last, so the clients stay logged in for every other route.
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"),
                   key=lambda r: (r.endpoint == "auth.logout", r.rule, method_of(r)))
    for rule in rules:
        declared = getattr(app.view_functions[rule.endpoint], "__access__", None)
        method, path = method_of(rule), concrete(rule)
        cells = []
        for who in COLUMNS:
            want = expected(declared, who)
            client = clients[who]
            if rule.endpoint.startswith("auth."):  # login pages and logout end a session: use a copy
                client = app.test_client()
                client._cookies = dict(clients[who]._cookies)
            answer = client.open(path, method=method)
            status, location = answer.status_code, answer.headers.get("Location", "")
            ok = agrees(want, status, location, rule.endpoint)
            if not ok:
                disagreements.append(f"{method} {rule.rule} as {who}: expected {want}, got {status}")
            shown = "302→login" if status == 302 and "/login" in location else str(status)
            cells.append(("✓ " if want in ("allowed", "public") else "") + shown + ("" if ok else " ⚠"))

        if isinstance(declared, frozenset):
            kind = "、".join(r.value for r in Role if r in declared)
        elif isinstance(declared, tuple):
            kind = f"{declared[0]}: " + "、".join(r.value for r in Role if r in declared[1])
        else:
            kind = str(declared)
        rows.append(f"| `{method} {rule.rule}` | {kind} | " + " | ".join(cells) + " |")
    text = "\n".join([
        "# Role matrix", "",
        "Generated by `.venv/bin/python bench/role_matrix.py` from the URL map (do not edit by hand).",
        "Each cell is the status the app answered to that role (logged in; two-factor done where required)",
        "for the route with ids that do not exist (999999). `✓` marks roles the route admits, so 200, 404, 405",
        "or a 302 to the next page are all fine there; everyone else must get 403, strangers a redirect to",
        "the login page, unsigned Twilio requests a 4xx (415 or 404 before the signature check, 403 after",
        "it) and API calls without a token 401. `⚠` marks a",
        "disagreement between the declaration and the answer.", "",
        f"{len(rules)} routes × {len(COLUMNS)} callers; disagreements: {len(disagreements)}.", "",
        "| route | declared access | " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS), *rows, "",
        *(["## Disagreements", "", *[f"- {d}" for d in disagreements], ""] if disagreements else []),
    ])
    args.out.write_text(text, encoding="utf-8")
    print(f"{len(rules)} routes × {len(COLUMNS)} callers written to {args.out}; disagreements: {len(disagreements)}")
    for line in disagreements:
        print("  " + line)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
