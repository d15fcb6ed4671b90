"""The WSGI application readies the process serving requests (unionwork/core/runtime.py): the
views imported and the templates compiled before its first request, the garbage collector tuned
(``UNIONWORK_GC_THRESHOLD`` changes or turns off the tuning)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = (
    "import gc, json, sys, unionwork.wsgi; "
    "from django.template import engines; "
    "from django.db import connections; "
    "loader = engines['django'].engine.template_loaders[0]; "
    "print(json.dumps({'threshold': gc.get_threshold(), 'frozen': gc.get_freeze_count(), "
    "'templates': sorted(t for t in getattr(loader, 'get_template_cache', {})), "
    "'views': 'unionwork.dashboard.views' in sys.modules, "
    "'connected': any(c.connection is not None for c in connections.all(initialized_only=True))}))"
)


def _serve_process(**env) -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "UNIONWORK_GC_THRESHOLD"}
    environment.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "threshold"),
    [({}, [50_000, 20, 20]), ({"UNIONWORK_GC_THRESHOLD": "20000"}, [20_000, 20, 20])],
)
def test_the_web_process_collects_garbage_less_often_and_not_over_its_start_up(env, threshold):
    got = _serve_process(**env)
    assert got["threshold"] == threshold
    assert got["frozen"] > 10_000  # Django, the settings and the apps loaded at start-up


def test_zero_keeps_pythons_own_collector_settings():
    python_own = subprocess.run(
        [sys.executable, "-c", "import gc; print(list(gc.get_threshold()))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert _serve_process(UNIONWORK_GC_THRESHOLD="0")["threshold"] == json.loads(python_own.stdout)


def test_the_web_process_is_warm_before_its_first_request():
    got = _serve_process()
    # every page's template compiled (a worker's first page took 0.6 s, now 0.1 s at city scale)
    assert {"core/base.html", "dashboard/dashboard.html", "members/home.html", "core/list.html"} <= set(
        got["templates"]
    )
    assert got["views"]  # the URL configuration imported every module's views
    assert not got["connected"]  # no database connection opened before the worker forks or serves
