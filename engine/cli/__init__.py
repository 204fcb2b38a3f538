"""The ``thamdinh`` command line (Click): one module per command group, each command thin (build a
command or a question, call a use case, print). The application lives on Click's context object.

Heavy modules are imported inside the commands, so a command imports only what it uses.
"""

from __future__ import annotations

import sys

import click

from . import (
    accounts,
    backup,
    blockers,
    calendar,
    capital,
    demo,
    dossiers,
    notifications,
    org,
    reports,
    samples,
    scheduler,
    urge,
    web,
    workflow,
)
from . import verify as verify_cmd
from . import vietnamese as vn
from .common import CliState, emit, fail, wants_json
from .usage import describe


@click.group(cls=vn.Group, help="thamdinh — quản lý hồ sơ thẩm định của Sở Xây dựng.", no_args_is_help=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.pass_context
def app(ctx: click.Context) -> None:
    if not isinstance(ctx.obj, CliState):
        ctx.obj = CliState(ctx.obj)


for module in (dossiers, reports, scheduler, demo, web, samples, accounts, backup, verify_cmd, urge):
    module.register(app)
for module in (org, workflow, calendar, notifications, blockers, capital):
    app.add_command(module.group, name=module.NAME)


def main(argv: list[str] | None = None) -> None:
    """The console script: every error, a usage error included, is a Vietnamese message (one JSON
    document under ``--json``) and an exit code, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app.main(args=args, prog_name="thamdinh", standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(130)
    except click.Abort:
        sys.exit(1)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as exc:  # usage errors
        doc = describe(exc)
        try:
            fail(doc, f"{doc['message']} {doc['hint']}", 2, wants_json(args))
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "emit", "main"]
