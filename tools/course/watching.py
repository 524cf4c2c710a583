"""How often ``mkdocs serve`` looks at the files it watches.

MkDocs' live-reload server polls the watched folders every half second: on average a quarter of a second of
the wait between saving a file and seeing the page, which the rest of a rebuild of this site (a second and a
half) makes a sixth of the instructor's loop.  Here the server polls ten times a second instead: a look at the
course's folders (docs_dir, the data, the bibliography: a few hundred files) takes a millisecond or two.
The watches MkDocs set up before the plugin's ``on_serve`` move to the new observer, the ones after it are
made there.
"""

from __future__ import annotations

POLL_SECONDS = 0.1


def poll_often(server):
    """``server`` (MkDocs' ``LiveReloadServer``, not serving yet) with an observer that polls every
    ``POLL_SECONDS``, watching what the old one watched."""
    old = server.observer
    if not hasattr(old, "emitters") or getattr(old, "timeout", 0) <= POLL_SECONDS:
        return server
    watched = [(emitter.watch.raw_path, emitter.watch.is_file or emitter.watch.is_recursive) for emitter in old.emitters]
    for path, _ in watched:
        server.unwatch(path)
    server.observer = type(old)(timeout=POLL_SECONDS)
    for path, recursive in watched:
        server.watch(path, recursive=recursive)
    return server
