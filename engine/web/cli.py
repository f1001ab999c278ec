"""`hegui serve`, `hegui users add|passwd|disable`, `hegui registry import|export` (added by `register`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from engine.clikit import input_errors_exit_2, out_console
from engine.i18n import both

if TYPE_CHECKING:
    from sqlalchemy import Engine

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="数据库 URL（默认：数据目录中的 SQLite 文件）/ Database URL (default: SQLite in the data directory).",
        envvar="HEGUI_DB",
    ),
]
OrgOption = Annotated[str, typer.Option("--org", help="组织（租户）标识 / Organisation (tenant) slug.")]
UserArgument = Annotated[str, typer.Argument(help="用户名 / User name.", metavar="USERNAME")]
PasswordOption = Annotated[
    str,
    typer.Option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="HEGUI_PASSWORD",
        help="口令（默认交互输入）/ Password (asked for when not given; prefer the prompt).",
    ),
]


def _database(url: str | None) -> Engine:
    """The engine for --db, upgraded to the newest schema; an unreachable database is bad input (exit 2)."""
    from sqlalchemy.exc import OperationalError

    from engine.errors import InputError
    from engine.web.db import open_engine, upgrade

    engine = open_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        raise InputError.one("--db", both("web.db_unreachable", why=str(exc.orig).strip())) from None
    return engine


@input_errors_exit_2
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="监听地址 / Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口 / Port.")] = 8000,
    retention_years: Annotated[
        int,
        typer.Option(
            "--retention-years",
            min=3,
            envvar="HEGUI_RETENTION_YEARS",
            help="已批准版本的保存年限（至少 3 年）/ Years approved versions are kept (at least 3, PIPL art. 56).",
        ),
    ] = 3,
) -> None:
    """启动共享工作台（网页）/ Start the shared web workspace."""
    import uvicorn

    from engine.web.app import create_app

    engine = _database(db)
    app = create_app(engine, retention_years)  # its start picks up report jobs the last stop cut off
    out_console().print(both("web.serving", url=f"http://{host}:{port}/"), markup=False, soft_wrap=True)
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="warning")


@input_errors_exit_2
def users_add(
    username: UserArgument,
    org: OrgOption,
    role: Annotated[str, typer.Option("--role", help="角色 / Role: admin, assessor, reviewer, viewer.")] = "viewer",
    password: PasswordOption = "",
    db: DbOption = None,
) -> None:
    """新增用户（首个管理员亦由此创建）/ Add a user with a role in an organisation (the first admin too)."""
    from engine.web.accounts import add_user
    from engine.web.db import session_scope

    with session_scope(_database(db)) as session:
        add_user(session, username, password, org, role)
    out_console().print(both("web.user_added", user=username, org=org, role=role), markup=False, soft_wrap=True)


@input_errors_exit_2
def users_passwd(username: UserArgument, password: PasswordOption = "", db: DbOption = None) -> None:
    """修改口令（旧会话随之失效）/ Set a user's password; their sessions end."""
    from engine.web.accounts import set_password
    from engine.web.db import session_scope

    with session_scope(_database(db)) as session:
        set_password(session, username, password)
    out_console().print(both("web.password_set", user=username), markup=False, soft_wrap=True)


@input_errors_exit_2
def users_disable(username: UserArgument, db: DbOption = None) -> None:
    """停用用户 / Disable a user: no login, sessions end."""
    from engine.web.accounts import disable_user
    from engine.web.db import session_scope

    with session_scope(_database(db)) as session:
        disable_user(session, username)
    out_console().print(both("web.user_disabled", user=username), markup=False, soft_wrap=True)


@input_errors_exit_2
def registry_import(
    folder: Annotated[Path, typer.Argument(help="评估文件夹 / Assessment folder.")],
    org: OrgOption,
    db: DbOption = None,
) -> None:
    """将评估文件夹存入登记库 / Store a valid assessment folder in the registry, byte for byte."""
    from engine.web.db import session_scope
    from engine.web.registry import import_folder

    with session_scope(_database(db)) as session:
        stored, created = import_folder(session, org, folder, "cli")
        key = stored.key
    done = both("web.imported" if created else "web.replaced", id=key, org=org)
    out_console().print(done, markup=False, soft_wrap=True)


@input_errors_exit_2
def registry_export(
    folder: Annotated[Path, typer.Argument(help="输出文件夹 / Folder to write.")],
    org: OrgOption,
    assessment: Annotated[str, typer.Option("--id", help="评估编号 / Assessment id.")],
    force: Annotated[bool, typer.Option("--force", help=both("cli.force"))] = False,
    db: DbOption = None,
) -> None:
    """从登记库导出评估文件夹 / Write a stored assessment folder back out, byte for byte."""
    from engine.web.db import session_scope
    from engine.web.registry import export_folder

    with session_scope(_database(db)) as session:
        names = export_folder(session, org, assessment, folder, force)
    done = both("web.exported", id=assessment, files=", ".join(names), out=folder)
    out_console().print(done, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add serve, users and registry to `app` (once), their groups built like `app` (bilingual help)."""
    if any(c.name == "serve" for c in app.registered_commands):
        return
    app.command("serve")(serve)
    group = type(app)
    users = group(help="工作台用户 / Workspace users.", no_args_is_help=True)
    for name, fn in (("add", users_add), ("passwd", users_passwd), ("disable", users_disable)):
        users.command(name)(fn)
    registry = group(help="评估登记库 / The assessment registry.", no_args_is_help=True)
    registry.command("import")(registry_import)
    registry.command("export")(registry_export)
    app.add_typer(users, name="users")
    app.add_typer(registry, name="registry")
