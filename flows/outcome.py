"""How a run ends, visible in Prefect's lists: a state named after the outcome (``Published``,
``Unchanged``, or ``Blocked``, a Failed state whose message says why) and, for a new release, the
event ``newsfacts.release.published`` that Automations can act on."""

from __future__ import annotations

from typing import Any

from prefect.states import Completed, Failed, State

from storage.stores import ReleaseStore

EVENT = "newsfacts.release.published"


class ReleaseBlocked(RuntimeError):
    """The run published nothing because validation or the release guard blocked it; ``summary``
    is the run summary."""

    def __init__(self, reason: str, summary: dict[str, Any]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.summary = summary

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, for Prefect's result store
        return (ReleaseBlocked, (self.reason, self.summary))


def outcome(summary: dict[str, Any]) -> str:
    """Returns ``published``, ``unchanged`` or ``blocked`` for a run summary."""
    if summary.get("blocked") or summary["verdict"] != "passed":
        return "blocked"
    return "published" if summary["published"] else "unchanged"


def resource_id(store: ReleaseStore) -> str:
    """Returns the Prefect event resource id of an out location."""
    return f"newsfacts.out-dir.{store.location}"


def emit_published(store: ReleaseStore, summary: dict[str, Any]) -> None:
    """Emits ``newsfacts.release.published`` for the out location with the release id and rows."""
    from prefect.events import emit_event

    emit_event(
        event=EVENT,
        resource={"prefect.resource.id": resource_id(store), "prefect.resource.name": store.location},
        payload={
            "release_id": summary.get("release_id"),
            "release": summary.get("release"),
            "rows": summary.get("rows", {}),
            "download_page": summary.get("download_page"),
        },
    )


def final_state(summary: dict[str, Any], store: ReleaseStore) -> State[Any]:
    """Returns the flow run's final state for its summary (emitting the event of a new release):
    ``Completed`` named Published or Unchanged with the summary as result, or ``Failed`` named
    Blocked whose message is the reason and whose result raises :class:`ReleaseBlocked`."""
    kind = outcome(summary)
    summary["outcome"] = kind
    if kind == "blocked":
        reason = str(summary.get("publish_reason") or "blocked")
        return Failed(name="Blocked", message=reason, data=ReleaseBlocked(reason, summary))
    if kind == "published":
        emit_published(store, summary)
        return Completed(
            name="Published", message=f"published release {summary.get('release_id')}", data=summary
        )
    return Completed(name="Unchanged", message="tables unchanged: nothing new published", data=summary)
