"""Gunicorn settings: the access log records method, path and status, never who asked.

No client address, user agent, referrer or query string reaches the log: a
query string may hold a postcode someone searched from. Tokens in invitation and
reset links are cut out of the path (harbour/gunicorn_logging.py).
"""

import os

bind = os.environ.get("HARBOUR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HARBOUR_WEB_WORKERS", "2"))
threads = int(os.environ.get("HARBOUR_WEB_THREADS", "4"))
accesslog = "-"
logger_class = "harbour.gunicorn_logging.RedactingLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("HARBOUR_TRUSTED_PROXIES", "127.0.0.1")
# At "warning", gunicorn logs "Invalid request from ip=..." for malformed requests.
# No error-level message carries a client address.
loglevel = "error"
