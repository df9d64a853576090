"""The LMArena CSV reader (``sources.lmarena_csv``): regressions found by the bad-input tests of
the import job and fixed in src. Expected rows are read with the csv module, not the reader."""

from __future__ import annotations

import pytest

from observatory.errors import InputError
from observatory.sources.detect import parse_file
from tests.conftest import LMSYS, need_shared
from tests.jobs.bad_input import csv_records, write_csv

LMSYS_CSV = LMSYS / "lmsys_2025-07-18.csv"




def test_csv_with_carriage_return_line_endings_reads_the_same_rows(tmp_path, isolated_home):
    """Classic-Mac line endings once crashed the reader with csv.Error; now they are plain CSV."""
    need_shared(LMSYS_CSV)
    bad = tmp_path / LMSYS_CSV.name
    bad.write_bytes(LMSYS_CSV.read_bytes().replace(b"\n", b"\r"))
    expected_rows = len(csv_records(LMSYS_CSV)) - 1
    assert parse_file(bad).counts() == {"board_entries": expected_rows}


@pytest.mark.parametrize(("column", "value"), [("votes", "inf"), ("votes", "NaN"), ("rank", "1e400")])
def test_non_finite_count_names_row_and_field(tmp_path, column, value):
    need_shared(LMSYS_CSV)
    records = csv_records(LMSYS_CSV)
    records[5][records[0].index(column)] = value
    bad = write_csv(tmp_path / LMSYS_CSV.name, records)
    with pytest.raises(InputError) as caught:
        parse_file(bad)
    assert caught.value.row == 6
    assert caught.value.field == column

