"""``make bench``: the app's pages next to bare Django "floor" views, on a generated clinic.

``python -m scripts.bench`` (see ``__main__``) makes a fresh PostgreSQL database, fills it
with a generated clinic (``clinic``), serves it with gunicorn (2 sync workers,
``DEBUG=false``) under ``scripts.bench.settings`` (the app's settings plus the floor views of
``floor``), times the app and the floor interleaved (``measure``), times the weekly email
sweep in-process on a second generated database (``django_side``), prints the table of
issue 14 and drops both databases. It is a benchmark, not a test: it asserts nothing.
"""

# The response header in which the server reports each request's SQL statements.
QUERY_HEADER = "X-Bench-Queries"
