"""The command line: the only module that imports click, and holds no collation logic.

Commands parse options, call :mod:`collate.control` with them as arguments
(settings the flags leave out come from the project file found from the paths
given), write what it returns with a reporter, and choose the exit code: 0 success, 1 ``check`` found problems, 2 bad usage or
input. A :class:`~collate.errors.CollateError` becomes one line on stderr and
exit 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__, imports_done
from .engines import ENGINES
from .errors import CollateError
from .reporters import CHECK_REPORTERS, REPORTERS, write_output
from .sources import display_path
from .workers import INTERRUPTED, keep_interrupts

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns

    from .cluster import DaskCluster

F = TypeVar("F", bound=Callable[..., Any])


class InputError(click.ClickException):
    """A user's mistake: printed as one line, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        """``file:line:col: message``, nothing else: the form editors' tools and CI logs parse."""
        click.echo(self.message, err=True)


class CollateGroup(click.Group):
    """Turns a CollateError raised anywhere in a command into exit code 2.

    So do the failures an input too big or too odd for this machine can cause —
    memory exhausted, recursion too deep, a worker process killed (by the kernel's
    out-of-memory killer, most often): one line saying so, never a traceback. Ctrl-C
    is exit 130 with one line; every write in progress has removed its temporary
    file by then (atomic.write_atomic cleans up on any exception, an interrupt included).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CollateError as exc:
            raise InputError(str(exc)) from None
        except MemoryError:
            raise InputError("collate: out of memory: the input is larger than this machine can collate "
                             "(see 'Limits' in the README)") from None
        except RecursionError:
            raise InputError("collate: the input is nested too deeply to read (recursion limit reached)") from None
        except KeyboardInterrupt:
            click.echo("collate: interrupted", err=True)
            raise click.exceptions.Exit(INTERRUPTED) from None
        except Exception as exc:
            # concurrent.futures is imported here, not at the top: only -j runs use a pool, and a
            # pool's failure arrives as an exception (an import on the way out costs nothing)
            from concurrent.futures import BrokenExecutor

            if isinstance(exc, BrokenExecutor):  # a process pool's (BrokenProcessPool): only pools of processes are used
                raise InputError("collate: a worker process died (out of memory, or killed); "
                                 "run again with -j 1 to see which set") from None
            raise


#: the commands' path types, one of each: a path type holds only its options, and each made asks
#: gettext for its name ("path", "file"), which looks for a translation on disk every time
PATHS = click.Path(path_type=Path)
FILES = click.Path(path_type=Path, dir_okay=False)


@click.group(cls=CollateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="collate")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Collate the witnesses of each letter and report every variant.

    \b
    collate init letter a.txt b.txt   start a set: letter/set.toml, a.txt the base
    collate run                  collate every set in witnesses/, reports in reports/
    collate diff a.txt b.txt     compare two transcriptions directly
    collate apparatus            bring each set's apparatus.toml up to date
    collate check                fail unless every variant is reviewed (the CI gate)
    collate review               decide on variants in the browser
    """
    ctx.obj = None


def _scheduler_option(function: F) -> F:
    """``--scheduler ADDRESS|local`` (and ``-j`` for a local cluster's workers), for run, check and apparatus."""
    return click.option(
        "--scheduler", metavar="ADDRESS|local", default=None,
        help="Collate on a Dask cluster: a scheduler's address (tcp://host:8786), or 'local' for one worker per"
             " core on this machine (collate run: -j N workers). Needs pip install 'collate[dask]'.")(function)


def _remote(scheduler: str | None, jobs: int | None = None) -> DaskCluster | None:
    if scheduler is None:
        return None
    from .cluster import DaskCluster  # only with --scheduler

    return DaskCluster(scheduler, jobs)


@cli.command()
@click.argument("paths", nargs=-1, type=PATHS)
@click.option("--out", "-o", "out", type=PATHS, default=None,
              help="Folder for the reports (default: reports/, or 'output' in the project settings).")
@click.option("--engine", type=click.Choice(list(ENGINES)), default=None,
              help="Alignment engine: anchored (default, fast on long texts) or collatex over whole witnesses.")
@click.option("--format", "formats", multiple=True, default=None,
              help=f"Reports to write: {', '.join(REPORTERS)} (repeatable; default json and html).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Collate sets in this many processes.")
@click.option("--force", is_flag=True, help="Collate every set again even if nothing changed.")
@_scheduler_option
def run(paths: tuple[Path, ...], out: Path | None, engine: str | None, formats: tuple[str, ...],
        jobs: int | None, force: bool, scheduler: str | None) -> None:
    """Collate witness sets and write a report for each.

    PATHS are set folders (holding set.toml) or folders of sets; the default is
    witnesses/. Writes OUT/<set>.json (and the other formats asked for) and
    prints one summary line per set.

    \b
    Example:
      collate run witnesses/ --out reports/
    """
    from .config import config_for  # here, in each command: `collate --help` imports no collation module
    from .control import run_sets

    imports_done()

    chosen = list(paths) or [Path("witnesses")]
    bar = _Progress() if sys.stderr.isatty() else None
    try:
        run_sets(
            chosen,
            config_for(chosen),
            out=out,
            engine=engine,
            formats=formats or None,
            jobs=jobs,
            force=force,
            echo=bar.echo if bar else click.echo,
            progress=bar,
            remote=_remote(scheduler, jobs),
        )
    finally:
        if bar:
            bar.close()


class _Progress:
    """A progress bar on stderr while several sets are collated; only on a terminal."""

    def __init__(self) -> None:
        self.bar: ProgressBar[int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if total < 2:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="collating", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def echo(self, line: str) -> None:
        """A summary line, printed above the bar."""
        if self.bar is not None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        click.echo(line)
        if self.bar is not None:
            self.bar.render_progress()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@click.argument("a", type=FILES)
@click.argument("b", type=FILES)
@click.option("--engine", type=click.Choice(list(ENGINES)), default=None, help="Alignment engine.")
def diff(a: Path, b: Path, engine: str | None) -> None:
    """Compare two witness files directly: the quick transcription check.

    Prints each difference as FILE:LINE:COL (in B) with its class, then the
    character and word error rates of B against A. Exits 0 whether or not the
    files differ.

    \b
    Example:
      collate diff frus-d46.txt my-transcription.txt
    """
    from .config import config_for  # here, as in run
    from .control import diff_files

    imports_done()
    from .reporters.text import diff_lines

    collation = diff_files(a, b, config_for([b]), engine)
    for line in diff_lines(collation, {"A": display_path(a), "B": display_path(b)}):
        click.echo(line)
    m = collation.metrics[0]
    click.echo(f"{len(collation.variants)} difference{'s' if len(collation.variants) != 1 else ''}"
               f" ({collation.substantive} substantive); CER {m.cer:.2%}, WER {m.wer:.2%}")


@cli.command()
@click.argument("args", nargs=-1, required=True, type=PATHS)
def init(args: tuple[Path, ...]) -> None:
    """Start a set: write FOLDER/set.toml for the witness FILES. Usage: init [FOLDER] FILE...

    The first file is the base (the source a transcription is checked
    against); each siglum is its file's name without the suffix. FOLDER
    (default: the current folder) is created if need be; files from elsewhere
    are copied into it. An existing set.toml is never overwritten.

    \b
    Example:
      collate init letter-1933-11-23 frus.txt my-transcription.txt
    """
    from .newset import init_set

    first = args[0]
    if len(args) > 1 and (first.is_dir() or not first.exists()):
        folder, files = first, args[1:]
    else:
        folder, files = Path("."), args
    made = init_set(folder, list(files))
    for name in made.copied:
        click.echo(f"copied {name} into {display_path(folder)}")
    sigla = ", ".join(f"{s} ({f})" for s, f in made.witnesses)
    click.echo(f"wrote {display_path(made.manifest)}: {sigla}; {made.witnesses[0][0]} is the base")
    click.echo(f"next: collate run {display_path(folder)}")


@cli.command()
@click.argument("paths", nargs=-1, type=PATHS)
@_scheduler_option
def apparatus(paths: tuple[Path, ...], scheduler: str | None) -> None:
    """Bring each set's apparatus.toml up to date with its variants.

    Every variant without an entry gets one (status "unreviewed", its readings);
    every entry and note is kept. An entry whose variant no longer occurs is
    marked stale = true, never deleted; one whose variant moved to a new id
    (its context was edited, its readings are the same) is re-attached, and
    the command says so. Comments and layout of the file are kept; the file is
    replaced atomically, and only when something changed.

    \b
    Example:
      collate apparatus witnesses/
    """
    from .config import config_for  # here, as in run
    from .control import sync_paths

    imports_done()

    chosen = list(paths) or [Path("witnesses")]
    sync_paths(chosen, config_for(chosen), echo=click.echo, remote=_remote(scheduler))


@cli.command("check")
@click.argument("paths", nargs=-1, type=PATHS)
@click.option("--format", "fmt", type=click.Choice(list(CHECK_REPORTERS)), default=next(iter(CHECK_REPORTERS)), show_default=True,
              help="text: file:line:col lines; github: workflow annotations; junit: XML; json; sarif: SARIF 2.1.0.")
@click.option("--ignore-class", "ignore_classes", multiple=True, metavar="CLASS",
              help="A variant class that needs no review (repeatable; replaces [check] ignore-classes).")
@click.option("--accidentals/--no-accidentals", default=None,
              help="Whether accidental variants need review at all (default: [check] accidentals, true).")
@click.option("--output", "-o", type=PATHS, default=None,
              help="Write the report to this file (the summary line still goes to stdout).")
@_scheduler_option
def check_command(paths: tuple[Path, ...], fmt: str, ignore_classes: tuple[str, ...],
                  accidentals: bool | None, output: Path | None, scheduler: str | None) -> None:
    """Check that every variant has been reviewed: the CI gate. Never writes.

    Exit 0 when every variant that needs review has an apparatus entry with
    status recorded or ignored, no entry has status error and none is stale;
    exit 1 otherwise (one line per problem, FILE:LINE:COL: message, pointing
    at the witness text or, for a stale entry, at apparatus.toml); exit 2 for
    bad input.

    \b
    Example:
      collate check witnesses/ --format github
      collate check --ignore-class case --ignore-class quotes
    """
    from .check import summary  # here, as in run
    from .config import config_for
    from .control import check_paths

    imports_done()

    chosen = list(paths) or [Path("witnesses")]
    result = check_paths(chosen, config_for(chosen), ignore_classes=ignore_classes, accidentals=accidentals,
                         remote=_remote(scheduler))
    render = CHECK_REPORTERS[fmt].render
    if output is None:
        click.echo(render(result), nl=False)
    else:
        write_output(output, render(result))
        click.echo(summary(result))
    if not result.ok:
        raise SystemExit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=PATHS)
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the address.")
@click.option("--engine", type=click.Choice(list(ENGINES)), default=None, help="Alignment engine.")
def review(paths: tuple[Path, ...], port: int, no_browser: bool, engine: str | None) -> None:
    """Decide on variants in the browser: serve the reports with controls that write apparatus.toml.

    Collates the sets, listens on 127.0.0.1 only and prints one line, the
    address to open, http://127.0.0.1:PORT/?token=TOKEN (a new random token
    each run; without it every request is refused). Each status and note set
    on a page is written into the set's apparatus.toml as collate apparatus
    writes it (comments and layout kept, atomic replace); a change made to the
    file meanwhile is never overwritten. Reports on disk are not touched.
    Ctrl-C stops the server (exit code 130), as does SIGTERM (exit code 143).

    \b
    Example:
      collate review witnesses/
      collate review --port 0 --no-browser
    """
    from .config import config_for
    from .server import TERMINATED, Terminated, bind, serve
    from .session import Session

    imports_done()

    chosen = list(paths) or [Path("witnesses")]
    session = Session(chosen, config_for(chosen), engine)
    sock = bind(port)
    click.echo(f"collate review: {len(session.names)} set{'s' if len(session.names) != 1 else ''};"
               " Ctrl-C to stop", err=True)
    try:
        serve(session, sock, open_browser=not no_browser, echo=click.echo)
    except KeyboardInterrupt:
        click.echo("collate review: stopped", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None
    except Terminated:
        click.echo("collate review: stopped (SIGTERM)", err=True)
        raise click.exceptions.Exit(TERMINATED) from None


def main() -> None:
    """Console entry point (the garbage collector's thresholds are set by importing collate)."""
    keep_interrupts()
    code: int | str | None = 0
    try:
        cli(prog_name="collate")  # standalone: it ends by raising SystemExit with the exit code
    except SystemExit as done:
        code = done.code
    except OSError as exc:
        # writing the output itself failed: stdout on a full disk, a pipe closed early (every file
        # collate writes turns its OSError into a CollateError, exit 2, before it gets here)
        if exc.errno not in _OUTPUT_ERRORS:
            raise
        if exc.errno != errno.EPIPE:
            try:
                print(f"collate: cannot write the output: {exc.strerror}", file=sys.stderr)
            except OSError:
                pass
        code = 2
    if not _alone():
        sys.exit(code)
    if isinstance(code, str):  # as Python's own exit shows a message given to SystemExit
        print(code, file=sys.stderr)
    _leave(code if isinstance(code, int) else 1 if code else 0)


#: what writing the output may fail with: the disk full (or over quota), the pipe closed, the device gone
_OUTPUT_ERRORS = {errno.ENOSPC, errno.EPIPE, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _alone() -> bool:
    """Nothing else runs in this process: no other thread, no child process (a pool, a Dask cluster)."""
    import threading

    processes = sys.modules.get("multiprocessing")
    return threading.active_count() == 1 and not (processes and processes.active_children())


def _leave(code: int) -> None:
    """Exit at once, without Python's finalization: the OS takes the memory back whole.

    Finalization frees every object of the run one by one and tears down each module
    (~15 ms of a three-witness run, as much as its HTML report); nothing of collate's needs it:
    every file it writes is closed (and fsynced) before the command returns, and the
    warnings are printed as they come. Only when this process is alone (:func:`_alone`):
    with another thread or a child process alive, Python's own exit waits for them.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader has gone (collate check | head): nothing more to say
            pass
        except (OSError, ValueError):  # a full disk, a closed stream: what Python's own exit gives
            code = code or 120
    os._exit(code)


if __name__ == "__main__":
    main()
