"""The one error the reader raises, and the messages it carries (the tests assert on them).

Every message is for the person who uploaded the file: it names what is wrong with the
file and, where they can do something about it, what. No message quotes the file's data.
"""

from __future__ import annotations


class WatchFileError(ValueError):
    """A file the app cannot read; str(error) is a message for the user, naming the problem."""


EMPTY = "The file is empty."
TOO_LARGE = (
    "The file is larger than 20 MB, the most the app reads. Export the one session on its own."
)
TOO_MANY_SAMPLES = (
    "The file holds more than a day of recording ({limit:,} samples), longer than any "
    "session the log takes. Export the one session on its own."
)
NOT_A_WATCH_FILE = (
    "This is not a FIT, GPX or TCX file. Export the session from the watch's app in one "
    "of those formats."
)

FIT_TRUNCATED = (
    "The FIT file is incomplete: it ends before its last record. Export or copy it again."
)
FIT_BAD_CRC = "The FIT file is damaged: its checksum does not match. Export or copy it again."
FIT_DAMAGED = "The FIT file is damaged: its records cannot be decoded. Export or copy it again."
FIT_NOT_ACTIVITY = "The FIT file is a {kind} file, not a recorded activity."

XML_TRUNCATED = (
    "The {format} file is incomplete: it ends before the document closes. Export or copy it again."
)
XML_MALFORMED = "The {format} file is damaged: it is not well-formed XML (line {line})."
XML_FORBIDDEN = (
    "The file declares a DTD or XML entities, which the app refuses for safety: "
    "a watch never writes them."
)
BAD_COORDINATES = (
    "The GPX file has track points whose coordinates are missing or not numbers, "
    "so the session cannot be read."
)
BAD_VALUE = (
    "The {format} file is damaged: a track point holds a time or a number that cannot be read."
)
NOT_UTF8 = "The {format} file is damaged: its text is not valid UTF-8."

NO_ACTIVITY = "The file holds no recorded activity: {why}."
NO_ACTIVITY_ROUTE = "only a planned route, no recorded track"
NO_ACTIVITY_WAYPOINTS = "only waypoints, no recorded track"
NO_ACTIVITY_NO_TIMES = "its track points have no times"
NO_ACTIVITY_NO_SAMPLES = "it has no samples"
NO_ACTIVITY_NO_MOVEMENT = "speed and cadence stay at zero throughout"
SEVERAL_ACTIVITIES = "The file holds {count} activities; export one at a time."

FUTURE_DATE = (
    "The session in this file is dated {date} — in the future. Check the date and time "
    "on the watch, then export the session again."
)
