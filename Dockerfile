# Production image: gunicorn + whitenoise for the web, the same image for worker and beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 itbrehab

COPY requirements/base.lock requirements/base.lock
RUN pip install --require-hashes --no-deps -r requirements/base.lock

COPY . .
# collectstatic needs settings but no secrets or database.
RUN DEBUG=false SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput

USER itbrehab
EXPOSE 8000
CMD ["gunicorn", "itbrehab.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
