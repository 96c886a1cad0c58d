"""Production gunicorn settings for every ForumOps API: `gunicorn -c deploy/gunicorn.conf.py 'svc.app:create_app()'`."""
import gc
import os
import socket
import sys
import time

workers = int(os.environ.get("FORUMOPS_WEB_WORKERS", "2"))
worker_class = "gthread"
# Threads: the services store the writes of requests in flight together (GroupCommit: one SQLite
# transaction for every scan or registration that queued meanwhile), so more requests in flight
# per worker make larger, cheaper batches, and a worker keeps reading requests while its others
# wait for the other worker's commit. On 2 cores at 64 connections, 8 → 16 → 32 threads took
# scans 1,344 → 1,454 → 1,524/s and registrations 1,253 → 1,366 → 1,465/s (batches of 5 → 10 →
# 13), while the bare one-insert endpoint stayed at ~2,300 req/s (its p99 rose, 45 → 86 ms).
# On PostgreSQL, where each request commits alone, 8 kept the tail lower (docker-compose.yml).
threads = int(os.environ.get("FORUMOPS_WEB_THREADS", "32"))
# Never preload: Kafka clients and database pools must be created in each worker after the fork.
preload_app = False
timeout = 30
graceful_timeout = 20
keepalive = 5
backlog = 2048
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel deals new connections
# out among them. On one shared socket a worker takes whatever connections arrive while it is
# awake, and a kept-alive connection (a proxy's pool, a door's scanner, a load test) stays with
# the worker that took it: 64 connections were measured landing 64/0, 58/6 and 25/39 on two
# workers, leaving a CPU idle (half the throughput) or one worker's clients waiting twice as long.
# With a socket each: 35/29, 36/28, 39/25. See on_starting for where it is turned off.
reuse_port = os.environ.get("FORUMOPS_WEB_REUSE_PORT", "1") != "0"
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


def post_worker_init(worker):
    """The app is loaded: what it made at start (modules, schemas, statements, the Kafka clients)
    lives as long as the worker, so keep it out of the garbage collector's passes. A full pass
    stops every thread of the worker: under 64 connections of registrations it took 40–60 ms
    five times in 45 s, each time adding that to every request in flight (the p99), and 14–18 ms
    after the freeze."""
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
    without it, refuse to start then."""
    if not server.cfg.reuse_port:
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
