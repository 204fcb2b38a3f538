"""What every command shares: the application on Click's context object, printing (one JSON
document under ``--json``, errors included), and the mapping of errors to exit codes.

Exit codes: 0 success; 2 bad input (unknown dossier or person, a malformed file, a day off, a
usage error, an unreachable database); 3 refused (an illegal transition, a role not allowed, a
conflict); 1 an unexpected fault (its message is printed; ``THAMDINH_DEBUG=1`` shows the trace).
"""

from __future__ import annotations

import functools
import json
import os
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ..domain.errors import ThamdinhError

if TYPE_CHECKING:
    from ..bootstrap import App

#: every command takes it: print one JSON document, errors included
json_option = click.option("--json", "as_json", is_flag=True, help="In một tài liệu JSON (lỗi cũng vậy).")


class CliState:
    """The context object: the composition root, built on first use (a test may pass its own)."""

    def __init__(self, app: App | None = None) -> None:
        self._app = app

    @property
    def app(self) -> App:
        if self._app is None:
            from ..bootstrap import App

            self._app = App()
        return self._app


def app_of(ctx: click.Context) -> App:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState(root.obj)
    return root.obj.app


def emit(data: Any, as_json: bool, text: Callable[[Any], str] | str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif text is not None:
        click.echo(text(data) if callable(text) else text)


def fail(doc: dict[str, Any], text: str, code: int, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        click.echo(f"Lỗi: {text}", err=True)
    raise click.exceptions.Exit(code)


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Map project errors (and anything unexpected) to a clear message and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return fn(*args, **kwargs)
        except ThamdinhError as exc:
            fail(exc.as_dict(), str(exc), exc.exit_code, as_json)
        except (click.exceptions.Exit, click.Abort, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:  # a fault of the software: say so, plainly
            if os.environ.get("THAMDINH_DEBUG"):
                traceback.print_exc()
            msg = f"Lỗi không lường trước ({type(exc).__name__}: {exc})."
            hint = "Báo cho quản trị hệ thống; chạy lại với THAMDINH_DEBUG=1 để xem chi tiết."
            fail({"error": "internal", "message": msg, "hint": hint}, f"{msg} {hint}", 1, as_json)

    return wrapper


def wants_json(argv: list[str]) -> bool:
    return "--json" in argv
