"""Where population jobs run: a backend maps one function over partitions of members.

The contract is general on purpose: ``backend.map(function, partitions)`` returns
``[function(p) for p in partitions]``, in order, however and wherever it computes them.
The nightly jobs of :mod:`loyalrules.batch.jobs` use it, and so can anything else that
splits a population into independent parts (a simulation, say). For the process pool
and Dask, ``function`` and the partitions travel by pickle: module-level functions or
frozen attrs instances, and plain data (the program's YAML text, records of members and
their entry rows), which is small and means the same in every version of the library.

>>> InProcess().map(len, [[1, 2], [3]])
[2, 1]
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

import attrs

from loyalrules import ValidationError
from loyalrules.values.frozen import value_methods

P = TypeVar("P")
R = TypeVar("R")


class Backend(Protocol):
    """Maps a function over partitions, returning the results in partition order."""

    def map(self, function: Callable[[P], R], partitions: Sequence[P]) -> list[R]:
        """``[function(p) for p in partitions]``, computed wherever the backend runs."""
        ...

    @property
    def cores(self) -> int:
        """How many partitions it can compute at once."""
        ...


@value_methods
@attrs.frozen(eq=False, repr=False)
class InProcess:
    """One partition after the other in this process: the default, and the reference."""

    def map(self, function: Callable[[P], R], partitions: Sequence[P]) -> list[R]:
        return [function(partition) for partition in partitions]

    @property
    def cores(self) -> int:
        return 1


@value_methods
@attrs.frozen(eq=False, repr=False)
class ProcessPool:
    """A pool of ``workers`` local processes (default: one per CPU), started fresh
    (``spawn``) so no thread or connection of the parent is inherited."""

    workers: int = attrs.field(factory=lambda: os.cpu_count() or 1)

    def map(self, function: Callable[[P], R], partitions: Sequence[P]) -> list[R]:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            return list(pool.map(function, partitions))

    @property
    def cores(self) -> int:
        return self.workers


@value_methods
@attrs.frozen(eq=False, repr=False)
class Dask:
    """A Dask cluster (the ``dask`` extra): a ``dask.bag`` of the partitions, one bag
    partition each, computed by ``client`` (a ``distributed.Client``) or by the
    scheduler at ``address`` (``"tcp://scheduler:8786"``).

    For example::

        backend = Dask(address="tcp://scheduler.internal:8786")
    """

    client: Any = None
    address: str | None = None

    def _client(self) -> Any:
        if self.client is not None:
            return self.client
        if self.address is None:
            raise ValidationError(
                "give Dask a client (Dask(client=distributed.Client(...))) or the "
                "scheduler's address (Dask(address='tcp://scheduler:8786'))"
            )
        from distributed import Client

        connect: Any = Client  # untyped
        return connect(self.address)

    def map(self, function: Callable[[P], R], partitions: Sequence[P]) -> list[R]:
        try:
            import dask.bag
        except ImportError as error:  # pragma: no cover - depends on the installed extras
            raise ImportError("the Dask backend needs: pip install 'loyalrules[dask]'") from error
        client = self._client()
        from_sequence: Any = dask.bag.from_sequence  # untyped
        bag = from_sequence(list(partitions), npartitions=max(len(partitions), 1))
        try:
            result: list[R] = bag.map(function).compute(scheduler=client.get)
        finally:
            if client is not self.client:
                client.close()
        return result

    @property
    def cores(self) -> int:
        client = self._client()
        try:
            return sum(client.nthreads().values()) or 1
        finally:
            if client is not self.client:
                client.close()


__all__ = ["Backend", "Dask", "InProcess", "ProcessPool"]
