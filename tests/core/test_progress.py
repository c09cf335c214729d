"""A long command says how far it is: a bar on a terminal, plain lines when piped, on standard
error so that standard output stays the command's result."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from katalog.core import progress
from katalog.core.progress import plain_line, progress_shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_plain_line_says_how_many_of_how_many_the_rate_and_the_time_left():
    assert plain_line("importing items", 2_500, 10_000, 5.0) == (
        "importing items: 2,500 of 10,000, 500/s, about 15 s left"
    )
    assert plain_line("importing items", 10_000, 10_000, 125.0) == (
        "importing items: 10,000 of 10,000, 80/s, 2 min 05 s in all"
    )


def test_without_a_total_a_plain_line_gives_the_count_and_the_rate():
    assert plain_line("exporting items", 7_200_000, None, 3_600.0) == (
        "exporting items: 7,200,000, 2,000/s, 1 h 00 min in all"
    )


def test_piped_it_writes_a_line_as_often_as_asked_and_one_at_the_end():
    stream = io.StringIO()
    with progress_shown(stream, "screening lines", 3, every=0.0) as shown:
        shown.advance(1)
        shown.reached(3)
    lines = stream.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "screening lines: 1 of 3",
        "screening lines: 3 of 3",
        "screening lines: 3 of 3",
    ]
    assert lines[-1].endswith(" in all")


def test_on_a_terminal_it_draws_a_bar_and_leaves_no_line_behind():
    stream = Terminal()
    with progress_shown(stream, "indexing items", 10, every=0.0) as shown:
        shown.advance(10)
    # The bar is redrawn with control sequences and removed at the end.
    assert "\x1b[" in stream.getvalue()
    assert "indexing items: " not in stream.getvalue()


def test_switched_off_it_shows_nothing():
    stream = io.StringIO()
    with progress_shown(stream, "generating items", 5, enabled=False) as shown:
        shown.advance(5)
    assert stream.getvalue() == ""


def test_a_quick_piped_run_adds_nothing_to_its_output():
    stream = io.StringIO()
    with progress_shown(stream, "importing items", 5) as shown:
        shown.advance(5)
    assert stream.getvalue() == ""


@pytest.mark.django_db
def test_generate_piped_reports_its_progress_on_standard_error_and_its_result_on_output(
    monkeypatch,
):
    monkeypatch.setattr(progress, "PLAIN_EVERY_SECONDS", 0.0)
    out, err = io.StringIO(), io.StringIO()
    call_command("generate", "--items", "40", "--seed", "3", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["items"] == 40
    assert err.getvalue().splitlines()[-1].startswith("generating items: 40 of 40, ")
    quiet = io.StringIO()
    call_command("generate", "--items", "5", "--seed", "4", "--no-progress", stderr=quiet)
    assert quiet.getvalue() == ""
