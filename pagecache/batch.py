"""Many content writes counted as one change.

Every saved or deleted content row renews the page cache's content version and schedules a
search-index rebuild (signals connected in `troubleshooter.apps`): right for an editor's save in
the admin. The content loader writes hundreds of rows in one transaction; inside `one_change()`
those per-row receivers do nothing, and the loader renews both once, at the end.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_in_batch: ContextVar[bool] = ContextVar("content_batch", default=False)


def in_batch() -> bool:
    return _in_batch.get()


@contextmanager
def one_change() -> Iterator[None]:
    token = _in_batch.set(True)
    try:
        yield
    finally:
        _in_batch.reset(token)
