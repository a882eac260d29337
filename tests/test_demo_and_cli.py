"""The command line: add users, issue tokens, verify the audit chain, the demo code (the `demo` command
itself is tested on the demo county's shared load: tests/demo/test_demo_cli.py)."""
from __future__ import annotations

from sqlmodel import select

from models.users import Role, User


def test_user_add_creates_a_user_with_role_and_office(runner, factory, db):
    factory.county()
    result = runner.invoke(args=["user", "add", "zhangsan", "--role", "inspector", "--office", "石桥镇纪委",
                                 "--password", "a-good-long-password"])
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.username == "zhangsan")).one()
    assert user.role is Role.inspector and user.office_id == factory.office("石桥镇纪委").id


def test_user_add_refuses_an_unknown_office_and_a_short_password(runner, factory):
    factory.county()
    unknown = runner.invoke(args=["user", "add", "a", "--role", "inspector", "--office", "不存在的机构",
                                  "--password", "a-good-long-password"])
    assert unknown.exit_code != 0 and "机构不存在" in unknown.output
    short = runner.invoke(args=["user", "add", "b", "--role", "operator", "--password", "short"])
    assert short.exit_code != 0 and "密码至少" in short.output


def test_audit_verify_passes_on_an_untouched_chain(runner, factory):
    factory.complaint("某条线索")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "完整" in result.output


def test_a_token_can_be_issued_from_the_command_line(runner, factory, client):
    user = factory.user(Role.operator)
    token = runner.invoke(args=["user", "token", user.username]).output.strip()
    response = client.get("/api/v1/complaints/00000000000000", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404  # authenticated; the code simply does not exist


def test_demo_code_answers_without_building_the_app():
    """`demo-code` is run again and again while trying the demo: it must not load the app."""
    import subprocess
    import sys

    probe = ("import sys, pyotp; sys.argv = ['hotline', 'demo-code']\n"
             "from hotline import cli\n"
             "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
             "print('loaded' if 'hotline.intake.views' in sys.modules or 'jieba' in sys.modules else 'light')\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={"DEMO": "1", "PATH": "/usr/bin:/bin"}, check=True)
    code, weight = result.stdout.split()
    assert code.isdigit() and len(code) == 6
    assert weight == "light"
    refused = subprocess.run([sys.executable, "-m", "hotline", "demo-code"], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin"})
    assert refused.returncode != 0 and "仅演示模式" in refused.stderr
