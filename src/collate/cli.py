"""The command line: the only module that imports click, and holds no collation logic.

Commands parse options, call :mod:`collate.pipeline`, a reporter or ``check``,
and choose the exit code: 0 success, 1 ``check`` found problems, 2 bad usage or
input. A :class:`~collate.errors.CollateError` becomes one line on stderr and
exit 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__
from .config import ENGINES, Config, load_config
from .errors import CollateError

log = logging.getLogger("collate")


class InputError(click.ClickException):
    """A user's mistake: printed as one line, exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


class CollateGroup(click.Group):
    """Turns a CollateError raised anywhere in a command into exit code 2."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CollateError as exc:
            raise InputError(str(exc)) from None


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _setup_logging() -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
    log.setLevel(logging.WARNING)
    log.propagate = False


@click.group(cls=CollateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="collate")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Collate the witnesses of each letter and report every variant.

    \b
    collate run                  collate every set in witnesses/, reports in reports/
    collate diff a.txt b.txt     compare two transcriptions directly
    """
    _setup_logging()
    ctx.obj = None


def _config() -> Config:
    return load_config(Path.cwd())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for the reports (default: reports/, or 'output' in the project settings).")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="Alignment engine: anchored (default, fast on long texts) or collatex over whole witnesses.")
@click.option("--format", "formats", multiple=True, default=None,
              help="Reports to write: json, html, tei, collatex (repeatable; default json and html).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Collate sets in this many processes.")
@click.option("--force", is_flag=True, help="Collate every set again even if nothing changed.")
def run(paths: tuple[Path, ...], out: Path | None, engine: str | None, formats: tuple[str, ...],
        jobs: int | None, force: bool) -> None:
    """Collate witness sets and write a report for each.

    PATHS are set folders (holding set.toml) or folders of sets; the default is
    witnesses/. Writes OUT/<set>.json (and the other formats asked for) and
    prints one summary line per set.

    \b
    Example:
      collate run witnesses/ --out reports/
    """
    from .runner import run_sets

    config = _config()
    run_sets(
        list(paths) or [Path("witnesses")],
        config,
        out=out or Path(config.output),
        engine=engine or config.engine,
        formats=formats or None,
        jobs=jobs or config.jobs,
        force=force,
        echo=click.echo,
    )


@cli.command()
@click.argument("a", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("b", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--engine", type=click.Choice(ENGINES), default=None, help="Alignment engine.")
def diff(a: Path, b: Path, engine: str | None) -> None:
    """Compare two witness files directly: the quick transcription check.

    Prints each difference as FILE:LINE:COL (in B) with its class, then the
    character and word error rates of B against A. Exits 0 whether or not the
    files differ.

    \b
    Example:
      collate diff frus-d46.txt my-transcription.txt
    """
    from .pipeline import collate_set
    from .reporters.text import diff_lines
    from .witness import display_path, read_witness
    from .model import WitnessSet

    config = _config()
    wa, wb = read_witness(a, "A"), read_witness(b, "B")
    wset = WitnessSet(name=b.stem, path=b.parent, title=f"{a.name} / {b.name}", witnesses=(wa, wb),
                      base="A", normalize=config.normalize)
    collation = collate_set(wset, engine or config.engine)
    for line in diff_lines(collation, {"A": display_path(a), "B": display_path(b)}):
        click.echo(line)
    m = collation.metrics[0]
    click.echo(f"{len(collation.variants)} difference{'s' if len(collation.variants) != 1 else ''}"
               f" ({collation.substantive} substantive); CER {m.cer:.2%}, WER {m.wer:.2%}")


def main() -> None:
    """Console entry point."""
    cli(prog_name="collate")


if __name__ == "__main__":
    sys.exit(main())
