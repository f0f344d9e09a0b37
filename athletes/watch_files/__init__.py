"""Watch files (SPEC §9): read a FIT, GPX or TCX recording into a session to check.

Pure Python, no Django: ``read_watch_file(fileobj, time_zone=…, today=…)`` returns a
``WatchRead`` (SPEC §2 session fields, the file's sha256, a JSON-ready summary) or raises
``WatchFileError``, whose text says what is wrong with the file. Storing, the API and the
pages are the callers' business.

Modules: ``reader`` (entry point, size cap, format detection), ``fit``/``gpx``/``tcx``
(one per format, each returning a ``track.Recording``), ``xmlsafe`` (defusedxml: no DTD,
no entities), ``analysis`` (samples into fields; every number the reader chose is in
its docstring) and ``errors`` (the messages).
"""

from athletes.watch_files.analysis import READ_FIELDS
from athletes.watch_files.errors import WatchFileError
from athletes.watch_files.reader import MAX_BYTES, WatchRead, read_watch_file

__all__ = ["MAX_BYTES", "READ_FIELDS", "WatchFileError", "WatchRead", "read_watch_file"]
