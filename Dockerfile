# Production image: gunicorn + whitenoise for the web, the same image for worker and beat.
# The build steps are scripts/build-production, which the production smoke test
# (tests/production/, part of `make test`) runs too: change the build there, not here.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app
RUN useradd --create-home --uid 10001 itbrehab

# Dependencies first (a layer that changes only with the lock file): a fresh virtualenv
# from requirements/base.lock alone, every file checked against its hash.
COPY requirements/base.lock requirements/base.lock
COPY scripts/build-production scripts/build-production
RUN scripts/build-production venv

COPY . .
# collectstatic with DEBUG=false into /app/staticfiles; needs no secret and no database.
RUN scripts/build-production static

USER itbrehab
EXPOSE 8000
# gunicorn.conf.py: bind 0.0.0.0:8000, WEB_CONCURRENCY workers (3), both logs on the
# console with phone-link and API tokens redacted.
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
