"""All file and object-store access of newsfacts, one concern per module.

* :mod:`storage.locations` — local folders and fsspec URLs; ``Locations``, resolved once per run
* :mod:`storage.raw` — listing and reading the raw inputs (local folder or URL)
* :mod:`storage.files` — Parquet, JSON and text written atomically; digests; folders
* :mod:`storage.cache` — the extraction cache (per article, under the extractor version)
* :mod:`storage.stagecache` — the stage cache (a stage's outputs under a content key)
* :mod:`storage.releases` — a local out folder's releases: staging, atomic switch, prune, lock
* :mod:`storage.stores` — where releases are published: ``LocalStore`` or ``FsspecStore``
* :mod:`storage.datadocs` — the folder GX writes a release's validation results and Data Docs into

``transforms`` never touches a file; ``flows`` and ``expectations`` go through here.
"""
