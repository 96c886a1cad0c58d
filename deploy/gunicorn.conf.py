"""Production gunicorn settings for every ForumOps API: `gunicorn -c deploy/gunicorn.conf.py 'svc.app:create_app()'`."""
import os

workers = int(os.environ.get("FORUMOPS_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("FORUMOPS_WEB_THREADS", "8"))
# Never preload: Kafka clients and database pools must be created in each worker after the fork.
preload_app = False
timeout = 30
graceful_timeout = 20
keepalive = 5
backlog = 2048
accesslog = None
errorlog = "-"
loglevel = os.environ.get("FORUMOPS_LOG_LEVEL", "info").lower()


def on_starting(server):
    """Metrics files of an earlier run would add up with this one's: start from an empty folder."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)


def child_exit(server, worker):
    """Drop a dead worker's metric files so /metrics adds up only live and finished work."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
