"""The process's heap after start-up: what it built lives as long as the process, so the cyclic
garbage collector is told to leave it alone.

A running bot holds a large, long-lived graph of objects (modules, SQLAlchemy's mappings and
compiled statements, the prompt library's templates). Each full collection walks all of it: on a
web page that allocates many short-lived rows, an occasional full collection doubled the page's
processor time. `settle` collects once, then moves every object still alive into the permanent
generation (`gc.freeze`), which no collection walks; objects made later are collected as usual.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def settle() -> int:
    """Collect what start-up left behind, then freeze the rest; how many objects were frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("froze %s objects built at start-up", frozen)
    return frozen
