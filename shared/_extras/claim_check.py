"""A claim check for payloads: large ones live in a store, the Event History keeps a reference.

Temporal's Python SDK has the claim-check pattern built in as *external
storage*: give the data converter an ``ExternalStorage`` with a driver, and
every payload at or above ``payload_size_threshold`` bytes is handed to the
driver; the history records only the driver's claim (a few hundred bytes).
Workers and clients fetch the payload back by its claim when they need it.

``LocalBlobStore`` is a driver that keeps payloads as files in one directory,
named by the SHA-256 of their bytes (content-addressed: the same payload is
stored once, and a claim can be checked against what it fetches). A real
object store plugs into the same interface: ``temporalio.contrib.aws.s3driver``
and ``temporalio.contrib.gcp.gcsdriver`` ship drivers for S3 and GCS, keyed by
SHA-256 as well. Every process that reads the history needs the same store.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    ExternalStorage,
    StorageDriver,
    StorageDriverClaim,
    StorageDriverRetrieveContext,
    StorageDriverStoreContext,
)

from shared._core.errors import CookbookError

DEFAULT_THRESHOLD = 64 * 1024
"""Payloads of this many bytes or more go to the store (the SDK's own default is 256 KiB)."""


class LocalBlobStore(StorageDriver):
    """A content-addressed directory of payloads: ``<directory>/<sha256>``."""

    def __init__(self, directory: str | os.PathLike[str], name: str = "local-blobs") -> None:
        self.directory = Path(directory)
        self._name = name

    def name(self) -> str:
        """The name recorded in each claim, so a reader knows which store holds the payload."""
        return self._name

    async def store(self, context: StorageDriverStoreContext, payloads: Sequence[Payload]) -> list[StorageDriverClaim]:
        """Write each payload under its digest (once) and return the digests as claims."""
        return await asyncio.to_thread(self._store_all, payloads)

    async def retrieve(
        self, context: StorageDriverRetrieveContext, claims: Sequence[StorageDriverClaim]
    ) -> list[Payload]:
        """Read each claimed payload back, checking that it is the one the claim names."""
        return await asyncio.to_thread(self._retrieve_all, claims)

    def check_writable(self) -> None:
        """Make sure the directory exists and takes a file, or say in one line why it does not."""
        probe = self.directory / f".probe.{os.getpid()}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            raise CookbookError(
                f"The claim-check store {self.directory} cannot be written ({err.strerror}): "
                "give claim_check() a folder you can write to."
            ) from None

    def blob_count(self) -> int:
        """How many distinct payloads the store holds."""
        return sum(1 for p in self.directory.glob("*") if len(p.name) == 64) if self.directory.is_dir() else 0

    def _store_all(self, payloads: Sequence[Payload]) -> list[StorageDriverClaim]:
        self.directory.mkdir(parents=True, exist_ok=True)
        claims = []
        for payload in payloads:
            data = payload.SerializeToString(deterministic=True)
            digest = hashlib.sha256(data).hexdigest()
            path = self.directory / digest
            if not path.exists():
                partial = path.with_name(f".{digest}.{os.getpid()}")
                partial.write_bytes(data)
                partial.replace(path)  # atomic: a reader never sees half a payload
            claims.append(StorageDriverClaim({"sha256": digest}))
        return claims

    def _retrieve_all(self, claims: Sequence[StorageDriverClaim]) -> list[Payload]:
        payloads = []
        for claim in claims:
            digest = claim.claim_data["sha256"]
            try:
                data = (self.directory / digest).read_bytes()
            except FileNotFoundError:
                raise CookbookError(
                    f"Payload {digest[:12]}… is not in the claim-check store {self.directory}: was the folder "
                    "emptied or moved? Every Worker and client must read the same store."
                ) from None
            if hashlib.sha256(data).hexdigest() != digest:
                raise CookbookError(f"Payload {digest[:12]}… in the claim-check store was altered.")
            payloads.append(Payload.FromString(data))
        return payloads


def check_store(storage: ExternalStorage) -> None:
    """Check every local store of ``storage`` before any Workflow Task needs it (``setup()`` calls this)."""
    for driver in storage.drivers:
        if isinstance(driver, LocalBlobStore):
            driver.check_writable()


def claim_check(directory: str | os.PathLike[str], *, threshold: int = DEFAULT_THRESHOLD) -> ExternalStorage:
    """External storage that moves every payload of ``threshold`` bytes or more into ``directory``."""
    return ExternalStorage(drivers=[LocalBlobStore(directory)], payload_size_threshold=threshold)
