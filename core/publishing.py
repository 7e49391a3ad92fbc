"""Putting content on the site and taking it off, and what may refuse it.

The rooms above core know why an item must not change: the diagnosis must not lose a guide it
sends owners to, and a problem goes live only with a sound diagnosis. They say so by connecting
receivers to these signals (in their AppConfig.ready), so the admin of any room asks them
without importing them.
"""

from django.dispatch import Signal

# sender: the item's model; arguments: item, published (the status asked for). Each receiver
# returns a list of reasons to refuse, in plain words (empty: no objection).
status_change_refused = Signal()
# sender: the item's model; argument: item. Each receiver returns where the item is used, in
# plain words; a delete is refused while there is any.
in_use = Signal()


def answers(signal: Signal, item, **kwargs) -> list[str]:
    return [reason for _receiver, reasons in signal.send(sender=type(item), item=item, **kwargs) for reason in reasons]


def status_refusals(item, published: bool) -> list[str]:
    """Why `item` may not be published (or taken off the site), in plain words."""
    return answers(status_change_refused, item, published=published)


def uses(item) -> list[str]:
    """Where `item` is used and must not be lost, in plain words."""
    return answers(in_use, item)


def set_published(items, published: bool) -> tuple[int, list[str]]:
    """Publish or unpublish content items, each unless something refuses it. (changed, refusals)"""
    status = "published" if published else "draft"
    changed, refusals = 0, []
    for item in items:
        if faults := status_refusals(item, published):
            refusals += faults
            continue
        if item.status != status:
            item.status = status
            item.save(update_fields=["status"])
            changed += 1
    return changed, refusals
