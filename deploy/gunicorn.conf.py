"""Production gunicorn settings for every ForumOps API: `gunicorn -c deploy/gunicorn.conf.py 'svc.app:create_app()'`."""
import gc
import os
import socket
import sys
import time

workers = int(os.environ.get("FORUMOPS_WEB_WORKERS", "2"))
# gthread, answering what gunicorn refuses itself (414, 431, 400) in the APIs' JSON error format
# and closing the connection after a refused body (413).
worker_class = "forumops_shared.gunicorn_worker.JsonErrorsWorker"
# More requests in flight make larger, cheaper batches (GroupCommit); on PostgreSQL, where a read
# holds one of a process's 10 pooled connections, use 16 (docker-compose.yml; docs/operations.md).
threads = int(os.environ.get("FORUMOPS_WEB_THREADS", "32"))
# Never preload: Kafka clients and database pools must be created in each worker after the fork.
preload_app = False
timeout = 30
graceful_timeout = 20
keepalive = 5
backlog = 2048
# A socket per worker (SO_REUSEPORT): the kernel deals kept-alive connections out among the
# workers instead of leaving them with whichever was awake. See on_starting for where it is off.
reuse_port = os.environ.get("FORUMOPS_WEB_REUSE_PORT", "1") != "0"
accesslog = None
errorlog = "-"
loglevel = os.environ.get("FORUMOPS_LOG_LEVEL", "info").lower()
# Each worker keeps to one CPU (see pre_fork); FORUMOPS_WEB_PIN_CPUS=0 lets them roam.
pin_cpus = os.environ.get("FORUMOPS_WEB_PIN_CPUS", "1") != "0"


def pre_fork(server, worker):
    """Give the new worker the CPU (of those this process may use) that the fewest of its live
    sibling workers have.

    The threads of one worker take turns at one GIL: on one core a turn passes cheaply, across
    cores every hand-over moves the objects they share between the cores' caches.
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


def post_worker_init(worker):
    """The app is loaded: what it made at start lives as long as the worker, so keep it out of
    the garbage collector's full passes, which stop every thread of the worker."""
    gc.freeze()


def on_starting(server):
    """Before anything listens: settle reuse_port (below), then empty the metrics folder, as the
    metrics files of an earlier run would add up with this one's."""
    _settle_reuse_port(server)
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


def _settle_reuse_port(server):
    """A socket per worker needs a TCP address of its own: not a Unix socket, not port 0 (each
    worker would get another port), not sockets handed over by systemd or by a re-executed
    master. There the workers share the one socket as gunicorn does by default.

    SO_REUSEPORT would also let a second server of this user bind a port in use, and quietly
    take half its connections (a forgotten instance; `up` from a second checkout). Like gunicorn
    without it, refuse to start then; unless FORUMOPS_WEB_SHARE_PORT=1 says that instances of
    one API share the port on purpose (`up --cluster`)."""
    if not server.cfg.reuse_port or os.environ.get("FORUMOPS_WEB_SHARE_PORT") == "1":
        return
    addresses = server.cfg.address
    if (os.environ.get("LISTEN_FDS") or os.environ.get("GUNICORN_FD")
            or any(not isinstance(a, tuple) or a[1] == 0 for a in addresses)):
        server.log.info("one listening socket shared by the workers (reuse_port needs fixed TCP addresses)")
        server.cfg.set("reuse_port", False)
        return
    for host, port in addresses:
        for _ in range(5):  # as gunicorn retries a bind: the workers of a killed master take a second to go
            with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no owner
                try:
                    probe.bind((host, port))
                    break
                except OSError as exc:
                    problem = exc.strerror
            time.sleep(1)
        else:
            server.log.error("cannot listen at %s:%s: %s (another server is there)", host, port, problem)
            sys.exit(1)
    server.log.info("each worker listens at %s on a socket of its own (SO_REUSEPORT)",
                    ", ".join(f"{host}:{port}" for host, port in addresses))
