"""Helpers for building witness sets in tests (the texts they make are synthetic)."""

from __future__ import annotations

from pathlib import Path

from collate.config import Config
from collate.control import Alignment, align_set, collate_set, load_sets
from collate.model import Collation, Witness, WitnessSet
from collate.normalize import compile_rules


def make_set(folder: Path, texts: dict[str, str], base: str | None = None, normalize: str = "",
             title: str = "synthetic test set") -> Path:
    """Write a set folder with one file per siglum and a set.toml (synthetic texts)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'title = "{title}"']
    if base:
        lines.append(f'base = "{base}"')
    for siglum, text in texts.items():
        name = f"{siglum.lower()}.txt"
        (folder / name).write_text(text, encoding="utf-8", newline="")
        lines += ["", "[[witness]]", f'siglum = "{siglum}"', f'file = "{name}"', f'label = "synthetic {siglum}"']
    if normalize:
        lines += ["", "[normalize]", normalize]
    (folder / "set.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def text_set(texts: dict[str, str], base: str | None = None, normalize: dict | None = None) -> WitnessSet:
    """A set of texts in memory, without files (synthetic witnesses)."""
    settings = dict(Config().normalize)
    settings.update(normalize or {})
    witnesses = tuple(
        Witness(siglum=s, path=Path(f"{s}.txt"), text=t, display=f"{s}.txt") for s, t in texts.items()
    )
    return WitnessSet(name="synthetic", path=Path("."), title="synthetic", witnesses=witnesses,
                      base=base or next(iter(texts)), normalize=settings,
                      rules=compile_rules(settings))


def collate_texts(texts: dict[str, str], base: str | None = None, normalize: dict | None = None,
                  engine: str | None = None) -> Collation:
    """Collate texts in memory, without files (synthetic witnesses)."""
    return collate_set(text_set(texts, base, normalize), engine or Config().engine)


def align_texts(texts: dict[str, str], engine: str | None = None) -> Alignment:
    """The stages' internals (prepared witnesses, columns) for texts in memory."""
    return align_set(text_set(texts), engine or Config().engine)


def collate_folder(folder: Path, engine: str | None = None) -> Collation:
    config = Config()
    (wset,) = load_sets([folder], config)
    return collate_set(wset, engine or config.engine)


def summary(collation: Collation) -> list[tuple]:
    """Each variant as (kind, classes, substantive, {siglum: text})."""
    return [
        (v.kind, v.classes, v.substantive, {s: r.text for s, r in v.readings.items()})
        for v in collation.variants
    ]
