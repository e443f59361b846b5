"""gunicorn for yorisoi: `gunicorn -c deploy/gunicorn.conf.py yorisoi.wsgi`.

Settings come from the environment (deploy/systemd/yorisoi-web.service sets them):
YORISOI_BIND           address to listen on (default 127.0.0.1:8000, behind nginx)
YORISOI_WEB_WORKERS    worker processes (default 2 × CPUs + 1, at most 8)
YORISOI_WEB_TIMEOUT    seconds before a stuck request's worker is restarted (default 60)
FORWARDED_ALLOW_IPS    addresses whose X-Forwarded-Proto is believed (default 127.0.0.1,::1)

Each worker holds its own database pool of at most YORISOI_DB_POOL_MAX connections, so
workers × YORISOI_DB_POOL_MAX (+ the db_worker's pool) must stay below PostgreSQL's
max_connections minus headroom for psql, backups and migrations (README "Production").
"""

import multiprocessing
import os
import sys

bind = os.environ.get("YORISOI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("YORISOI_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Sync workers: one request per process at a time, so a worker uses one pooled connection.
# PDF and chart reports are CPU work, which threads would not speed up.
worker_class = "sync"
timeout = int(os.environ.get("YORISOI_WEB_TIMEOUT", 60))
graceful_timeout = 30
# Restart workers now and then so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Never load the app before forking: each worker must open its own database pool (the pool's
# threads and sockets do not survive a fork).
preload_app = False
# systemd supervises the server; no control socket in the service user's home.
control_socket_disable = True

# Only nginx (deploy/nginx/yorisoi.conf) may say that the request came over HTTPS, and only
# through the one header it overwrites on every request.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Access log without personal data: method, path (ids in paths are UUIDs), status, size and
# duration. No query string (search terms are names), no referrer (it carries the previous
# page's query string), no client address or user agent.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = "info"


def worker_exit(server, worker):
    """Close the worker's database pool as it ends, so PostgreSQL sees clean disconnects."""
    if "django.db" not in sys.modules:  # the arbiter, tidying up after a worker that died
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql":
            connection.close_pool()
