"""gunicorn's settings for unionwork (used by deploy/serve.sh, `make serve` and unionwork-web.service).

Every value can be changed in the environment (deploy/environment.example). Sync workers: the
reverse proxy (deploy/nginx.conf.example) buffers slow clients and whole uploads, so a worker is
busy only while Django works; several workers serve requests in parallel, each with its own
database connection (CONN_MAX_AGE keeps it open between requests).
"""

import multiprocessing
import os

wsgi_app = "unionwork.wsgi:application"
bind = [b.strip() for b in os.environ.get("UNIONWORK_BIND", "127.0.0.1:8000").split(",") if b.strip()]
# gunicorn's advice is 2 x cores + 1; at most 9 so that a large machine does not open more
# database connections than PostgreSQL's default max_connections comfortably allows.
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("UNIONWORK_WEB_THREADS", "1"))
# An export of a district's roster or an import's check may take a while; the proxy waits as long.
timeout = int(os.environ.get("UNIONWORK_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then (a slow leak cannot grow without bound), not all at once.
max_requests = int(os.environ.get("UNIONWORK_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Only the proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("UNIONWORK_PROXY_IPS", "127.0.0.1,::1")
# Heartbeat files in memory: a busy or slow disk never makes the master kill a healthy worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "unionwork-web"
accesslog = os.environ.get("UNIONWORK_ACCESS_LOG", "-")
errorlog = "-"
# The path without its query string: a query may carry personal data (the API's ?id_number=).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
# No control socket under $HOME (the service user has none; HUP and TERM do what is needed).
control_socket_disable = True
