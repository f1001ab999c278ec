"""`hegui registry import|export` and `hegui users`: real CLI runs on a real database."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from engine.cli import app
from engine.web.db import AuditEvent, User, open_engine, session_scope
from tests.conftest import EXAMPLES, assert_problem

runner = CliRunner()


def hegui(db_url: str, *args: str, password: str | None = None) -> tuple[int, str, str]:
    env = {"HEGUI_DB": db_url, **({"HEGUI_PASSWORD": password} if password else {})}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def assessment_id(folder: Path) -> str:
    lines = (folder / "assessment.yaml").read_text(encoding="utf-8").splitlines()
    return next(line.split()[1] for line in lines if line.startswith("  id:"))


def test_a_folder_round_trips_byte_stable(db_url: str, tmp_path: Path) -> None:
    assert hegui(db_url, "users", "add", "ann", "--org", "acme", "--role", "admin", password="x" * 12)[0] == 0
    for example in sorted(EXAMPLES.iterdir()):
        code, _, err = hegui(db_url, "registry", "import", str(example), "--org", "acme")
        assert code == 0, err
        key = assessment_id(example)
        target = tmp_path / example.name
        code, _, err = hegui(db_url, "registry", "export", str(target), "--org", "acme", "--id", key)
        assert code == 0, err
        assert digest(target) == digest(example)
        # exporting again over the files is refused without --force, and writes the same bytes with it
        assert hegui(db_url, "registry", "export", str(target), "--org", "acme", "--id", key)[0] == 2
        assert hegui(db_url, "registry", "export", str(target), "--org", "acme", "--id", key, "--force")[0] == 0
        assert digest(target) == digest(example)


def test_an_invalid_folder_is_refused_with_located_problems_and_nothing_stored(db_url: str, tmp_path: Path) -> None:
    hegui(db_url, "users", "add", "ann", "--org", "acme", "--role", "admin", password="x" * 12)
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    text = (folder / "assessment.yaml").read_text(encoding="utf-8")
    (folder / "assessment.yaml").write_text(text.replace("as_of: ", "as_of: not-a-date #", 1), encoding="utf-8")
    code, _, err = hegui(db_url, "registry", "import", str(folder), "--org", "acme")
    assert code == 2, err
    assert "assessment.yaml:" in err and "Traceback" not in err
    code, _, err = hegui(db_url, "registry", "export", str(tmp_path / "out"), "--org", "acme", "--id", "x")
    assert code == 2 and not (tmp_path / "out").exists()
    assert_problem(err, "ASSESSMENT", "没有评估", "no assessment 'x' in organisation 'acme'")


def test_users_add_passwd_disable(db_url: str) -> None:
    assert hegui(db_url, "users", "add", "ann", "--org", "acme", "--role", "boss", password="x" * 12)[0] == 2
    code, _, err = hegui(db_url, "users", "add", "ann", "--org", "acme", password="short")
    assert code == 2 and "12" in err
    assert hegui(db_url, "users", "add", "ann", "--org", "acme", "--role", "admin", password="x" * 12)[0] == 0
    code, _, err = hegui(db_url, "users", "add", "ann", "--org", "acme", password="y" * 12)
    assert_problem(err, "USERNAME", "已存在", "user 'ann' already exists")
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        before = session.scalars(select(User.password_hash).where(User.username == "ann")).one()
    assert before.startswith("$argon2id$")
    assert hegui(db_url, "users", "passwd", "ann", password="z" * 12)[0] == 0
    assert hegui(db_url, "users", "disable", "ann")[0] == 0
    assert hegui(db_url, "users", "disable", "nobody")[0] == 2
    with session_scope(engine) as session:
        user = session.scalars(select(User).where(User.username == "ann")).one()
        assert user.disabled and user.password_hash != before
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    engine.dispose()
    assert actions == ["user.add", "user.passwd", "user.disable"]


def test_an_unreachable_database_is_exit_2() -> None:
    code, _, err = hegui("postgresql+psycopg://nobody@127.0.0.1:1/none", "users", "disable", "ann")
    assert code == 2 and "--db" in err and "Traceback" not in err
    code, _, err = hegui("not a url", "users", "disable", "ann")
    assert code == 2 and "--db" in err


def test_a_folder_with_a_remediation_plan_round_trips(db_url: str, tmp_path: Path) -> None:
    """Every input file engine/inputs.py reads travels, remediation.yaml included."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES / "shenzhen-ecommerce", folder)
    (folder / "remediation.yaml").write_text(
        "actions:\n  - action: PIPL-55-pipia\n    owner: DPO office\n    priority: 1\n", encoding="utf-8"
    )
    assert hegui(db_url, "users", "add", "ann", "--org", "acme", "--role", "admin", password="x" * 12)[0] == 0
    code, _, err = hegui(db_url, "registry", "import", str(folder), "--org", "acme")
    assert code == 0, err
    key = assessment_id(folder)
    code, _, err = hegui(db_url, "registry", "export", str(tmp_path / "out"), "--org", "acme", "--id", key)
    assert code == 0, err
    assert digest(tmp_path / "out") == digest(folder)
