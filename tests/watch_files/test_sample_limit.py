"""A recording longer than a day is refused: the reading time of any file stays bounded.

A FIT decodes at about 14,000 records a second on these machines, so a 20 MB file could
take longer than the web server's timeout; ``track.MAX_SAMPLES`` (a day at one sample a
second) stops the reading at the first sample past it, whatever the format. The tests
lower the limit instead of building day-long files.
"""

from __future__ import annotations

import pytest

from athletes.watch_files import errors, fit, track
from tests.watch_files import build as b
from tests.watch_files.facts import FIXTURES
from tests.watch_files.reading import read, refusal


def test_the_limit_is_a_day_at_one_sample_a_second() -> None:
    assert track.MAX_SAMPLES == 24 * 60 * 60


def test_a_recording_past_the_limit_is_refused_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(track, "MAX_SAMPLES", 100)
    data = b.gpx(b.samples([b.run(100)]))  # 101 samples: 0 to 100 s

    assert refusal(data) == errors.TOO_MANY_SAMPLES.format(limit=100)
    assert "100 samples" in refusal(data)


def test_a_recording_at_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(track, "MAX_SAMPLES", 101)

    assert read(b.gpx(b.samples([b.run(100)]))).session["activity"] == "run"


def test_a_real_fit_file_past_a_lowered_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(track, "MAX_SAMPLES", 1000)  # the walk has 4,126 records
    data = (FIXTURES / "watch-files" / "fr645m-long-walk.fit").read_bytes()

    assert refusal(data) == errors.TOO_MANY_SAMPLES.format(limit=1000)


def test_a_fit_file_of_many_other_messages_is_refused_before_it_is_decoded_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The walk has 4,126 records among 4,220 data messages: with one message per sample
    # allowed and a limit of 4,200 samples, the records pass and the messages do not.
    monkeypatch.setattr(track, "MAX_SAMPLES", 4200)
    monkeypatch.setattr(fit, "MESSAGES_PER_SAMPLE", 1)
    data = (FIXTURES / "watch-files" / "fr645m-long-walk.fit").read_bytes()

    assert refusal(data) == errors.TOO_MANY_SAMPLES.format(limit=4200)
    monkeypatch.setattr(fit, "MESSAGES_PER_SAMPLE", 2)
    assert read(data).session["activity"] == "walk"
