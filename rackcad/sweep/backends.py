"""Where the jobs of a sweep run: a local process pool (the default) or a Ray cluster.

Both take the same `Job`s (template name, parameters, analysis settings: never a design) and call the same
`variant.run` on them, and both yield each `Done` as it finishes; the sweep puts the rows back in grid order,
so the table does not depend on the backend, the number of workers or the order jobs finish in.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from rackcad.sweep.grid import SweepError
from rackcad.sweep.variant import Done, Job, run

BACKENDS = ("local", "ray")
PRELOAD = ["rackcad.sweep.variant", "rackcad.analysis", "rackcad.analysis.serving", "rackcad.rules",
           "rackcad.templates"]
"""Imported once in the pool's fork server, so each worker starts with the engine loaded."""


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def local(jobs: list[Job], workers: int) -> Iterator[Done]:
    """Run `jobs` on a pool of `workers` processes (in this process when one worker is enough)."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield run(job)
        return
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
    else:
        context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context)
    try:
        pending = {pool.submit(run, job) for job in jobs}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ray(jobs: list[Job], workers: int | None, address: str | None) -> Iterator[Done]:
    """Run `jobs` as Ray tasks: on the cluster at `address`, or on a Ray instance started here with
    `workers` CPUs (all cores by default). A Ray already initialised in this process is used as it is."""
    try:
        import ray as ray_api
    except ImportError:
        raise SweepError("--backend ray needs Ray, which is not installed: pip install 'rackcad[ray]'") from None
    started = False
    if address:
        _check_reachable(address)
    if not ray_api.is_initialized():
        options = {"include_dashboard": False, "log_to_driver": False, "logging_level": "error"}
        try:
            if address:
                ray_api.init(address=address, **options)
            else:
                ray_api.init(num_cpus=workers, **options)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError ... for a bad address
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            raise SweepError(f"--backend ray: cannot start or reach {where}: {exc}") from None
        started = True
    try:
        task = ray_api.remote(num_cpus=1)(run)
        pending = [task.remote(job) for job in jobs]
        while pending:
            finished, pending = ray_api.wait(pending, num_returns=1)
            for ref in finished:
                yield ray_api.get(ref)
    finally:
        if started:
            ray_api.shutdown()


CONNECT_TIMEOUT_S = 10.0


def _check_reachable(address: str) -> None:
    """A `host:port` cluster address that nothing answers on is a clear error now, not minutes of Ray
    retrying. Other forms (`auto`, `ray://host:port` for Ray Client) are left to Ray."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in address or not host:
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise SweepError(f"--address {address}: no Ray cluster answers there ({exc.strerror or exc})") from None
