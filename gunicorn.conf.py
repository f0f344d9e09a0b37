"""gunicorn's settings in production: ``gunicorn -c gunicorn.conf.py`` in the Dockerfile,
docker-compose.yml and the production smoke test (tests/production/), so all three serve
the app the same way. gunicorn also reads this file by itself when started from here.

Both logs go to the console (access log on stdout, errors on stderr) for the container
runtime to collect, through ``itbrehab.logs.GunicornLogger``, which redacts phone-link and
API tokens from every line (SPEC §7: secrets stay out of logs).
"""

import os

wsgi_app = "itbrehab.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
errorlog = "-"
logger_class = "itbrehab.logs.GunicornLogger"
# TRUSTED_PROXY_COUNT is the one setting about proxies (SPEC §7, itbrehab/settings.py):
# with none, gunicorn too ignores X-Forwarded-Proto and friends from any address (its
# default trusts them from 127.0.0.1); with proxies declared, the app is reachable only
# through them, so gunicorn passes the headers on and the app decides.
forwarded_allow_ips = "*" if int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0) > 0 else ""
# The container is run with signals (docker stop sends SIGTERM); no runtime control socket.
control_socket_disable = True
