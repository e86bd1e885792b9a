"""The stages composed: load a set, tokenize and normalize, align, find variants.

This is the API every command goes through (coverage.py's ``control.py``): the
CLI parses options and calls these functions; reporters and ``check`` read the
:class:`Collation` they return.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .align import align
from .config import Config, load_config
from .metrics import all_metrics
from .model import Collation, WitnessSet, WitnessSummary
from .normalize import compile_rules, prepare_set
from .variants import find_variants
from .witness import discover, display_path


def load_sets(paths: Iterable[Path], config: Config) -> list[WitnessSet]:
    """Every set named by ``paths`` (a set folder or a folder of sets), loaded and checked."""
    from .loaders import load_any

    sets: list[WitnessSet] = []
    for found in discover(paths):
        sets.extend(load_any(found, config))
    _distinct_names(sets)
    return sets


def _distinct_names(sets: list[WitnessSet]) -> None:
    """Two sets of one name would write the same reports (one silently over the other): refuse.

    A set is named after its folder, so ``a/letters/1933-11-16`` and
    ``b/letters/1933-11-16`` collide; the editor renames one folder.
    """
    from .errors import WitnessError

    seen: dict[str, WitnessSet] = {}
    for wset in sets:
        other = seen.setdefault(wset.name, wset)
        if other is not wset:
            raise WitnessError(
                f"two sets are named {wset.name!r}: {display_path(other.path)} and {display_path(wset.path)} "
                "(their reports would overwrite each other); rename one folder",
                display_path(wset.manifest or wset.path),
            )


def collate_set(wset: WitnessSet, engine: str = "anchored") -> Collation:
    """Collate one set: the single function from witnesses to a :class:`Collation`."""
    rules = compile_rules(wset.normalize, display_path(wset.manifest) if wset.manifest else wset.name)
    # the base first, the others as listed: the order reports show them in
    ordered = sorted(wset.witnesses, key=lambda w: w.siglum != wset.base)
    prepared = prepare_set(ordered, rules)
    if len(prepared) > 1:
        keys = {p.witness.siglum: [s.key for s in p.segments] for p in prepared}
        columns = align(keys, engine)
        variants = find_variants(prepared, columns, rules, wset.base)
        metrics = all_metrics(prepared, columns)
    else:
        variants, metrics, columns = [], (), []
    summaries = tuple(
        WitnessSummary(
            siglum=p.witness.siglum,
            file=_relative(p.witness.path, wset.path),
            label=p.witness.label,
            source=p.witness.source,
            tokens=len(p.tokens),
            text=p.witness.text,
        )
        for p in prepared
    )
    return Collation(
        name=wset.name,
        title=wset.title,
        path=wset.path,
        base=wset.base,
        witnesses=summaries,
        variants=tuple(variants),
        metrics=metrics,
        engine=engine,
        prepared=tuple(prepared),
        columns=tuple(columns),
    )


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def collate_paths(paths: Iterable[Path], config: Config | None = None, engine: str | None = None) -> list[Collation]:
    """Load and collate every set under ``paths``."""
    config = config or load_config()
    return [collate_set(s, engine or config.engine) for s in load_sets(paths, config)]


__all__ = ["__version__", "collate_paths", "collate_set", "load_sets"]
