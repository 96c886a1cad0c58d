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
# Each worker keeps to one CPU (see pre_fork); FORUMOPS_WEB_PIN_CPUS=0 lets them roam.
pin_cpus = os.environ.get("FORUMOPS_WEB_PIN_CPUS", "1") != "0"


def pre_fork(server, worker):
    """Give the new worker the CPU (of those this process may use) that the fewest of its live
    sibling workers have.

    The threads of one worker take turns at one GIL. On one core a turn passes cheaply; spread
    over cores, every hand-over wakes a thread on the other core and the objects they share move
    between the cores' caches. Measured on 2 cores, a registration took 1.5 times the CPU with
    its worker's threads free to roam (bench/: README, Performance).
    """
    if not pin_cpus or not hasattr(os, "sched_getaffinity"):
        return
    allowed = sorted(os.sched_getaffinity(0))
    # Ties go round from a CPU that depends on this gunicorn (its pid), so that several of them
    # on one machine (three APIs; containers sharing a host) spread out instead of all starting
    # at the first CPU.
    first = server.pid % len(allowed)
    order = allowed[first:] + allowed[:first]
    taken = [getattr(w, "forumops_cpu", None) for w in server.WORKERS.values()]
    worker.forumops_cpu = min(order, key=lambda cpu: (taken.count(cpu), order.index(cpu)))


def post_fork(server, worker):
    """In the new worker, before its threads start: keep to the CPU pre_fork chose."""
    cpu = getattr(worker, "forumops_cpu", None)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


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
