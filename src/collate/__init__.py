"""collate: transcription verification and collation for documentary editions.

collate is a program before it is a library, so importing it sets the cyclic garbage
collector's thresholds for the whole process, first thing (:data:`GC_THRESHOLDS`). A
collation allocates millions of small objects that live to the end (tokens, segments,
CollateX's graphs and tables, the alignment table's cells) and makes almost no reference
cycles. With Python's default thresholds the collector runs every 700 allocations and,
ever more often as the heap grows, walks it whole: about half the run of Darwin's chapter
(6 editions) went there, and ~55 collections (~8 ms) ran while a short run was still
importing its libraries. Collecting every 50,000 allocations keeps the memory the same
(~140 MB) and the reports byte-identical.

Each collating command then calls :func:`imports_done` once its modules are imported.
"""

import gc

__version__ = "0.1.0"

#: the cyclic garbage collector's thresholds for a collate process (Python's default: 700, 10, 10)
GC_THRESHOLDS = (50_000, 20, 20)

gc.set_threshold(*GC_THRESHOLDS)


_frozen = False


def imports_done() -> None:
    """Tell the collector that every object made so far (the imports' modules, classes and
    functions) lives as long as the process: ``gc.freeze()``, once per process.

    Frozen objects sit in a generation no collection walks. Without it the first
    collection of a run walked the ~30,000 objects its imports had made: the only
    collection of a 3 x 1,000-word run, 7-12 ms of it (the run's own objects were
    9,000); a book's every full collection walked them again. What is made later is
    collected as before, so only garbage cycles made by the imports themselves are
    never freed (a one-time few kilobytes).
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
