"""The Python process serving requests: tuned once, when the WSGI application is made.

Garbage collection. CPython runs its cyclic collector every 700 net allocations of container
objects, and every tenth and hundredth time over older generations, the last pass walking every
object of the process (some 300,000 once Django, the URL configuration and the templates are
loaded). A page that builds many objects (an industrial union's statistical table: 1,800 units
× 40 indicators) paid for several such passes: 250 ms for what takes 90 ms without them (measured
on the city-scale demo). The platform makes few reference cycles, so the collector runs less
often (``UNIONWORK_GC_THRESHOLD``, default 50,000 allocations; 0 keeps Python's own), and what was
loaded at start-up is frozen out of its walks (``gc.freeze``), as large Django deployments do.
"""

import gc
import os

DEFAULT_THRESHOLD = 50_000


def tune_gc() -> tuple[int, int, int]:
    """Set the collector's thresholds from ``UNIONWORK_GC_THRESHOLD`` and freeze the objects made
    so far; returns the thresholds in force."""
    raw = os.environ.get("UNIONWORK_GC_THRESHOLD", "").strip()
    threshold = int(raw) if raw.isdigit() else DEFAULT_THRESHOLD
    if threshold > 0:
        gc.set_threshold(threshold, 20, 20)
    gc.freeze()
    return gc.get_threshold()
