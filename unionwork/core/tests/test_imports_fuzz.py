"""The import mechanism fuzzed with hypothesis-generated files: random bytes, random CSV, random
small .xlsx (under the importers' own headers, so rows reach the checks). Every file ends as a
clear refusal (status "校验未通过" with a Chinese message), a request to map the columns (a header
the importer does not know, with a Chinese message), or an import; never an internal error.

The tally of what was tried is written to test-artifacts/imports-fuzz.json. A longer run:
``IMPORT_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest unionwork/core/tests/test_imports_fuzz.py``.
"""

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionwork.core import audit
from unionwork.core.imports import get_importer
from unionwork.core.imports.testing import csv_bytes, run_upload, xlsx_bytes
from unionwork.core.models import ImportJob

from .factories import demo_user

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("IMPORT_FUZZ_EXAMPLES", "8"))
IMPORTERS = [
    "orgs.units",
    "members.roster",
    "bargaining.contracts",
    "stations.stations",
    "stations.hardship",
    "documents.series",
    "visits.pairings",
    "building.cadres",
    "building.committees",
    "culture.positions",
    "culture.teams",
    "assessment.items",
]
TALLY: dict[str, dict[str, int]] = {}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module", autouse=True)
def _tally():
    yield
    out = Path(__file__).resolve().parents[3] / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "imports-fuzz.json").write_text(json.dumps(TALLY, indent=1, ensure_ascii=False))


def _headers(importer: str) -> list[str]:
    return [str(c.header) for c in get_importer(importer).columns]


def _run(kind: str, importer: str, content: bytes, filename: str) -> ImportJob:
    with audit.acting_as(demo_user("gjz_admin"), "import"):
        job = run_upload(demo_user("gjz_admin"), importer, content, filename)
    tally = TALLY.setdefault(f"{kind} {importer}", {"tried": 0})
    tally["tried"] += 1
    tally[job.status] = tally.get(job.status, 0) + 1
    assert job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.MAPPING), (
        job.status,
        job.message,
        content[:200],
    )
    if job.status != ImportJob.Status.DONE:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in job.message), job.message
    return job


# Cell text that union staff and attackers produce: Chinese, digits (full-width too), formulas,
# control characters, long strings, huge numbers.
cell_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789０１２３４５６７８９XxＸ-/. 年月日", max_size=20),
    st.sampled_from(
        ["=1+1", "@SUM(A1)", "合计", "总计", "\x00", "\u3000", "9" * 30, str(2**64), "-0", "1e400"]
    ),
    st.integers().map(str),
)
excel_cell = st.one_of(
    cell_text,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.dates(),
)


@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv"])
@FUZZ
@given(content=st.binary(max_size=4096))
def test_random_bytes_are_refused_clearly(importer, suffix, content):
    _run(f"bytes{suffix}", importer, content, f"随机{suffix}")


@pytest.mark.parametrize("importer", IMPORTERS)
@FUZZ
@given(data=st.data())
def test_random_csv_is_refused_or_imported(importer, data):
    headers = _headers(importer)
    header = data.draw(st.one_of(st.just(headers), st.permutations(headers), st.lists(cell_text, max_size=8)))
    rows = data.draw(st.lists(st.lists(cell_text, max_size=len(headers) + 2), max_size=6))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    try:
        content = csv_bytes([header, *rows], encoding=encoding)
    except UnicodeEncodeError:
        content = csv_bytes([header, *rows], encoding="utf-8")
    _run("csv", importer, content, "随机.csv")


@pytest.mark.parametrize("importer", IMPORTERS)
@FUZZ
@given(data=st.data())
def test_random_small_xlsx_is_refused_or_imported(importer, data):
    headers = _headers(importer)
    header = data.draw(st.one_of(st.just(headers), st.lists(cell_text, max_size=8)))
    rows = data.draw(st.lists(st.lists(excel_cell, max_size=len(headers) + 2), max_size=6))
    text_columns = data.draw(st.sets(st.integers(0, len(headers)), max_size=3))
    # openpyxl refuses control characters in cells: such a file cannot be made, so it is not tried
    clean = [[_printable(v) for v in row] for row in [header, *rows]]
    _run("xlsx", importer, xlsx_bytes(clean, text_columns=text_columns), "随机.xlsx")


def _printable(value):
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return value
