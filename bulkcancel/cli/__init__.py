"""The ``bulkcancel`` command: a thin shell over ``pipeline``.

Failures are decided inside the click group, so ``CliRunner`` sees exactly what a user
sees: every BulkCancelError becomes one line on stderr and its exit code, Ctrl-C exit 3,
and no traceback reaches the user (``BULKCANCEL_DEBUG=1`` shows one for an unexpected
error). Commands are registered explicitly below.
"""

from __future__ import annotations

import gc
import io
import os
import signal
import sys
import threading
from typing import Any

import click

from bulkcancel.cli.account import login, logout
from bulkcancel.cli.collector import own_process
from bulkcancel.cli.offline import report, runs, template, validate
from bulkcancel.cli.online import plan, requests, run
from bulkcancel.cli.options import console_language, err
from bulkcancel.cli.simulate import simulate
from bulkcancel.cli.stockouts import stockouts
from bulkcancel.cli.web import serve
from bulkcancel.errors import BulkCancelError
from bulkcancel.i18n import gettext
from bulkcancel.statuses import ExitCode


class _Group(click.Group):
    """A click group that turns every failure of a command into one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.UsageError):
            raise  # a command's own exit, or click's usage message (exit 2)
        except click.ClickException as exc:
            exc.show()
            ctx.exit(ExitCode.CANNOT_RUN)
        except BulkCancelError as exc:
            lang = console_language(ctx)
            err.print(gettext(lang, "bulkcancel: error: {message}", message=exc.in_language(lang)), markup=False)
            ctx.exit(exc.exit_code)
        except (KeyboardInterrupt, click.Abort):
            err.print(gettext(console_language(ctx), "bulkcancel: interrupted; nothing more was sent"), markup=False)
            ctx.exit(ExitCode.STOPPED_EARLY)
        except Exception as exc:
            if os.environ.get("BULKCANCEL_DEBUG"):
                raise
            err.print(
                gettext(
                    console_language(ctx),
                    "bulkcancel: unexpected error: {error}: {detail} (set BULKCANCEL_DEBUG=1 to see where; "
                    "please report it)",
                    error=type(exc).__name__,
                    detail=exc,
                ),
                markup=False,
            )
            ctx.exit(ExitCode.CANNOT_RUN)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulkcancel")
def cli() -> None:
    """Cancel bol.com order items in bulk from an Excel or CSV sheet."""
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints as escapes, never a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


for _command in (template, validate, stockouts, run, plan, requests, report, runs, simulate, serve, login, logout):
    cli.add_command(_command)


def main() -> None:
    """The entry point."""
    own_process()
    code: int | str | None = ExitCode.STOPPED_EARLY  # a Ctrl-C before the command decided its exit
    try:
        try:
            cli.main(prog_name="bulkcancel")
        except SystemExit as done:
            code = done.code  # the command's own exit wins over a Ctrl-C that lands after it
            raise
        finally:
            # Everything is written and closed by now: a Ctrl-C from here on has nothing left
            # to stop. Ignored, it can neither print a traceback nor end the process by the
            # signal (which Python does with a KeyboardInterrupt nobody caught).
            _ignore_interrupts()
    except KeyboardInterrupt:  # one that landed as the command was returning
        _ignore_interrupts()  # again: a pending one is raised from the call that would ignore it
        sys.exit(code)
    finally:
        # Without this, the garbage collector's last pass over pandas, pandera and aiohttp at
        # exit takes ~0.4 s of every run (benchmarks/bench_run.py); frozen objects are simply
        # left to the OS.
        gc.freeze()


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():  # only the main thread sets handlers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
